/**
 * The safetensors format (huggingface/safetensors):
 *
 *   [8 bytes: N, little-endian u64] [N bytes: JSON header] [data]
 *
 * The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
 * (byte offsets into the data section), plus an optional "__metadata__" object of
 * string → string. The header is padded with spaces so the data starts at a multiple
 * of 8 bytes. The tensors tile the data section exactly, in the order of their offsets.
 *
 * We write F32, I64 and I32 (little-endian, row-major), tensors in sorted name order,
 * `__metadata__` {"format": "pt"} as transformers expects, streamed to a temp file and
 * renamed into place. We read F32, I64, I32, and F16 / BF16 converted to F32.
 */
import { open, readFile, type FileHandle } from "node:fs/promises";
import { endianness } from "node:os";
import { writeAtomic } from "./atomic-write";

export type SafetensorsTensor =
  | { dtype: "F32"; shape: number[]; data: Float32Array }
  | { dtype: "I64"; shape: number[]; data: BigInt64Array }
  | { dtype: "I32"; shape: number[]; data: Int32Array };

export type SafetensorsDtype = SafetensorsTensor["dtype"];

/** One tensor entry of the JSON header. */
export interface SafetensorsHeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export interface SafetensorsHeader {
  /** Tensor entries by name, in data-offset order. */
  tensors: Map<string, SafetensorsHeaderEntry>;
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

const MAX_HEADER_BYTES = 100_000_000;
const DTYPE_BYTES: Record<string, number> = { F32: 4, I64: 8, I32: 4, F16: 2, BF16: 2, F64: 8, I16: 2, I8: 1, U8: 1, BOOL: 1 };

if (endianness() !== "LE") throw new Error("safetensors: this implementation assumes a little-endian host");

function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`safetensors: tensor ${JSON.stringify(name)}: shape must be an array of non-negative integers`);
  }
  return shape as number[];
}

/** Parses and validates the header of a safetensors buffer (or of its first bytes, given the total file size). */
export function parseSafetensorsHeader(bytes: Uint8Array, fileSize = bytes.length): SafetensorsHeader {
  if (bytes.length < 8) throw new Error("safetensors: file shorter than the 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER_BYTES) throw new Error(`safetensors: header length ${n} exceeds ${MAX_HEADER_BYTES}`);
  if (8 + n > bytes.length) throw new Error(`safetensors: header length ${n} runs past the end of the file`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    throw new Error(`safetensors: header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error("safetensors: header must be a JSON object");
  const metadata: Record<string, string> = {};
  const entries: [string, SafetensorsHeaderEntry][] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("safetensors: __metadata__ must be an object");
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== "string") throw new Error(`safetensors: __metadata__.${k} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = value as Partial<SafetensorsHeaderEntry> | null;
    if (typeof e !== "object" || e === null) throw new Error(`safetensors: tensor ${JSON.stringify(name)}: entry must be an object`);
    if (typeof e.dtype !== "string" || !(e.dtype in DTYPE_BYTES))
      throw new Error(`safetensors: tensor ${JSON.stringify(name)}: unknown dtype ${JSON.stringify(e.dtype)}`);
    const shape = checkShape(name, e.shape);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0) || off[0] > off[1]) {
      throw new Error(`safetensors: tensor ${JSON.stringify(name)}: data_offsets must be [begin, end] with 0 <= begin <= end`);
    }
    const expected = numel(shape) * (DTYPE_BYTES[e.dtype] as number);
    if (off[1] - off[0] !== expected) {
      throw new Error(`safetensors: tensor ${JSON.stringify(name)}: ${off[1] - off[0]} bytes for ${e.dtype}[${shape.join(", ")}] (expected ${expected})`);
    }
    entries.push([name, { dtype: e.dtype, shape, data_offsets: [off[0], off[1]] }]);
  }
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0] || a[1].data_offsets[1] - b[1].data_offsets[1]);
  let end = 0;
  for (const [name, e] of entries) {
    if (e.data_offsets[0] !== end) throw new Error(`safetensors: tensor ${JSON.stringify(name)}: data_offsets leave a gap or overlap at byte ${end}`);
    end = e.data_offsets[1];
  }
  const dataStart = 8 + n;
  if (dataStart + end !== fileSize) throw new Error(`safetensors: data section is ${fileSize - dataStart} bytes but the tensors cover ${end}`);
  return { tensors: new Map(entries), metadata, dataStart };
}

function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decodeTensor(name: string, e: SafetensorsHeaderEntry, bytes: Uint8Array): SafetensorsTensor {
  const copy = new Uint8Array(bytes); // an aligned, independent copy (Buffer#slice would share memory)
  const count = numel(e.shape);
  switch (e.dtype) {
    case "F32":
      return { dtype: "F32", shape: e.shape, data: new Float32Array(copy.buffer, 0, count) };
    case "I64":
      return { dtype: "I64", shape: e.shape, data: new BigInt64Array(copy.buffer, 0, count) };
    case "I32":
      return { dtype: "I32", shape: e.shape, data: new Int32Array(copy.buffer, 0, count) };
    case "F16": {
      const half = new Uint16Array(copy.buffer, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = f16ToF32(half[i] as number);
      return { dtype: "F32", shape: e.shape, data: out };
    }
    case "BF16": {
      const half = new Uint16Array(copy.buffer, 0, count);
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = (half[i] as number) << 16;
      return { dtype: "F32", shape: e.shape, data: new Float32Array(bits.buffer) };
    }
    default:
      throw new Error(`safetensors: tensor ${JSON.stringify(name)}: reading dtype ${e.dtype} is not supported`);
  }
}

/** Decodes a whole safetensors buffer. F16 and BF16 tensors come back as F32. */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  const header = parseSafetensorsHeader(bytes);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, e] of header.tensors) {
    const begin = header.dataStart + e.data_offsets[0];
    tensors.set(name, decodeTensor(name, e, bytes.subarray(begin, header.dataStart + e.data_offsets[1])));
  }
  return { tensors, metadata: header.metadata };
}

/** Reads a safetensors file. Errors name the file and the tensor. */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  const bytes = await readFile(path);
  try {
    return parseSafetensors(bytes);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** Reads only the header of a safetensors file (names, dtypes, shapes, metadata). */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const lenBuf = new Uint8Array(8);
    await fh.read(lenBuf, 0, 8, 0);
    const n = Number(new DataView(lenBuf.buffer).getBigUint64(0, true));
    if (n > MAX_HEADER_BYTES || 8 + n > size) throw new Error(`header length ${n} is invalid for a ${size}-byte file`);
    const head = new Uint8Array(8 + n);
    await fh.read(head, 0, 8 + n, 0);
    return parseSafetensorsHeader(head, size);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  } finally {
    await fh.close();
  }
}

/** A tensor to write: F32 by default when only shape and data are given. */
export type WritableTensor = SafetensorsTensor | { shape: readonly number[]; data: Float32Array };

function normalize(name: string, t: WritableTensor): SafetensorsTensor {
  const shape = checkShape(name, [...t.shape]);
  const dtype = "dtype" in t ? t.dtype : "F32";
  const ok =
    (dtype === "F32" && t.data instanceof Float32Array) ||
    (dtype === "I64" && t.data instanceof BigInt64Array) ||
    (dtype === "I32" && t.data instanceof Int32Array);
  if (!ok) throw new Error(`safetensors: tensor ${JSON.stringify(name)}: data does not match dtype ${dtype}`);
  if (t.data.length !== numel(shape)) {
    throw new Error(`safetensors: tensor ${JSON.stringify(name)}: ${t.data.length} values for shape [${shape.join(", ")}]`);
  }
  return { dtype, shape, data: t.data } as SafetensorsTensor;
}

function layout(
  tensors: ReadonlyMap<string, WritableTensor> | Readonly<Record<string, WritableTensor>>,
  metadata: Record<string, string>,
): { header: Uint8Array; ordered: [string, SafetensorsTensor][] } {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const ordered = entries
    .map(([name, t]): [string, SafetensorsTensor] => {
      if (name.length === 0 || name === "__metadata__") throw new Error(`safetensors: invalid tensor name ${JSON.stringify(name)}`);
      return [name, normalize(name, t)];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const json: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of ordered) {
    const size = t.data.byteLength;
    json[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let text = JSON.stringify(json);
  const len = new TextEncoder().encode(text).length;
  text += " ".repeat((8 - (len % 8)) % 8);
  const headerJson = new TextEncoder().encode(text);
  const header = new Uint8Array(8 + headerJson.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(headerJson.length), true);
  header.set(headerJson, 8);
  return { header, ordered };
}

function bytesOf(t: SafetensorsTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Encodes tensors as one safetensors buffer (sorted names, `__metadata__` {"format": "pt"} unless given). */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, WritableTensor> | Readonly<Record<string, WritableTensor>>,
  metadata: Record<string, string> = { format: "pt" },
): Uint8Array {
  const { header, ordered } = layout(tensors, metadata);
  const total = header.length + ordered.reduce((s, [, t]) => s + t.data.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let at = header.length;
  for (const [, t] of ordered) {
    out.set(bytesOf(t), at);
    at += t.data.byteLength;
  }
  return out;
}

const CHUNK = 8 << 20;

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, at, Math.min(CHUNK, bytes.length - at));
    if (bytesWritten <= 0) throw new Error("safetensors: write made no progress");
    at += bytesWritten;
  }
}

/**
 * Writes tensors to `path` as safetensors, streamed tensor by tensor (no copy of the
 * whole file in memory) into a temp file that is flushed and renamed into place.
 */
export async function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, WritableTensor> | Readonly<Record<string, WritableTensor>>,
  metadata: Record<string, string> = { format: "pt" },
): Promise<void> {
  const { header, ordered } = layout(tensors, metadata);
  await writeAtomic(path, async (fh) => {
    await writeAll(fh, header);
    for (const [, t] of ordered) await writeAll(fh, bytesOf(t));
  });
}
