/**
 * Typed tensor helpers over onnxruntime-node's Tensor (no copies: the typed array is
 * wrapped as is).
 */

import * as ort from "onnxruntime-node";
import { type DType, type TypedArrayOf, toTypedArray } from "./dtype";

export type Tensor = ort.Tensor;
export const OrtTensor = ort.Tensor;

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: "float32",
  float64: "float64",
  int64: "int64",
  int32: "int32",
  bool: "bool",
  uint8: "uint8",
};

/** A tensor of `dtype` with the given dims; plain number arrays are converted. */
export function tensor<D extends DType>(dtype: D, data: TypedArrayOf[D] | ArrayLike<number> | ArrayLike<bigint>, dims: readonly number[]): ort.Tensor {
  const arr = toTypedArray(dtype, data as ArrayLike<number>);
  const n = dims.reduce((p, d) => p * d, 1);
  if (arr.length !== n) throw new Error(`tensor: ${arr.length} values for dims [${dims.join(", ")}]`);
  return new ort.Tensor(ORT_TYPE[dtype], arr as never, dims);
}

export const float32 = (data: Float32Array | ArrayLike<number>, dims: readonly number[]): ort.Tensor => tensor("float32", data, dims);
export const float64 = (data: Float64Array | ArrayLike<number>, dims: readonly number[]): ort.Tensor => tensor("float64", data, dims);
export const int64 = (data: BigInt64Array | ArrayLike<number> | ArrayLike<bigint>, dims: readonly number[]): ort.Tensor => tensor("int64", data, dims);
export const int32 = (data: Int32Array | ArrayLike<number>, dims: readonly number[]): ort.Tensor => tensor("int32", data, dims);
export const bool = (data: Uint8Array | ArrayLike<number>, dims: readonly number[]): ort.Tensor => tensor("bool", data, dims);

/** A float32 tensor's data (throws on another type). */
export function f32(t: ort.Tensor): Float32Array {
  if (t.type !== "float32") throw new Error(`expected a float32 tensor, got ${t.type}`);
  return t.data as Float32Array;
}
export function f64(t: ort.Tensor): Float64Array {
  if (t.type !== "float64") throw new Error(`expected a float64 tensor, got ${t.type}`);
  return t.data as Float64Array;
}
export function i64(t: ort.Tensor): BigInt64Array {
  if (t.type !== "int64") throw new Error(`expected an int64 tensor, got ${t.type}`);
  return t.data as BigInt64Array;
}
/** A float tensor's data as plain numbers (float32 or float64). */
export function toNumbers(t: ort.Tensor): number[] {
  if (t.type === "int64") return Array.from(t.data as BigInt64Array, Number);
  return Array.from(t.data as ArrayLike<number>);
}
