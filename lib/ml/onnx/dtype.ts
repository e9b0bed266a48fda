/**
 * Element types the builder knows, their ONNX TensorProto.DataType codes and the
 * JavaScript typed arrays that hold them (the same arrays onnxruntime-node takes).
 */

export type DType = "float32" | "float64" | "int64" | "int32" | "bool" | "uint8";

/** A float type: the only ones that carry gradients. */
export type FloatDType = "float32" | "float64";

/** TensorProto.DataType codes (onnx.proto). */
export const ONNX_ELEM_TYPE: Readonly<Record<DType, number>> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

export function dtypeFromOnnx(code: number): DType {
  for (const [k, v] of Object.entries(ONNX_ELEM_TYPE)) if (v === code) return k as DType;
  throw new Error(`unsupported ONNX element type ${code}`);
}

export interface TypedArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  bool: Uint8Array;
  uint8: Uint8Array;
}

export type TypedArray = TypedArrayOf[DType];

export const INT64_MAX = 9223372036854775807n;

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === "float32" || dtype === "float64";
}

/** Converts plain numbers (or bigints) to the typed array of `dtype`. */
export function toTypedArray<D extends DType>(dtype: D, values: ArrayLike<number> | ArrayLike<bigint> | TypedArray): TypedArrayOf[D] {
  const n = values.length;
  switch (dtype) {
    case "float32":
    case "float64":
    case "int32":
    case "bool":
    case "uint8": {
      const C = dtype === "float32" ? Float32Array : dtype === "float64" ? Float64Array : dtype === "int32" ? Int32Array : Uint8Array;
      if (values instanceof C) return values as TypedArrayOf[D];
      const out = new C(n);
      for (let i = 0; i < n; i++) out[i] = Number((values as ArrayLike<number | bigint>)[i]);
      return out as TypedArrayOf[D];
    }
    case "int64": {
      if (values instanceof BigInt64Array) return values as TypedArrayOf[D];
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = (values as ArrayLike<number | bigint>)[i];
        // Numbers at or beyond ±2^63 (e.g. "to the end" slice bounds) saturate.
        out[i] = typeof v === "bigint" ? v : v >= 2 ** 63 ? INT64_MAX : v <= -(2 ** 63) ? -INT64_MAX - 1n : BigInt(Math.trunc(v));
      }
      return out as TypedArrayOf[D];
    }
    default:
      throw new Error(`unknown dtype ${String(dtype)}`);
  }
}
