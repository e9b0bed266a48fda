import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  parseSafetensors,
  parseSafetensorsHeader,
  readSafetensors,
  readSafetensorsHeader,
  serializeSafetensors,
  writeSafetensors,
  type WritableTensor,
} from "@/lib/ml/io/safetensors";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "palate-safetensors-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A safetensors file assembled by hand from the spec. */
function handMade(entries: Record<string, unknown>, data: Uint8Array, pad = true): Uint8Array {
  let json = JSON.stringify(entries);
  if (pad) json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

describe("safetensors", () => {
  it("writes the layout of the spec: u64 LE header length, space-padded JSON, sorted contiguous tensors, format pt", () => {
    const bytes = serializeSafetensors({
      "b.weight": { shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      "a.bias": { shape: [3], data: new Float32Array([7, 8, 9]) },
    });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeLessThanOrEqual(n);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const header = JSON.parse(text);
    expect(header.__metadata__).toEqual({ format: "pt" });
    expect(header["a.bias"]).toEqual({ dtype: "F32", shape: [3], data_offsets: [0, 12] });
    expect(header["b.weight"]).toEqual({ dtype: "F32", shape: [2, 3], data_offsets: [12, 36] });
    expect(bytes.length).toBe(8 + n + 36);
    expect(Array.from(new Float32Array(bytes.slice(8 + n, 8 + n + 12).buffer))).toEqual([7, 8, 9]);
  });

  it("round-trips F32, I64 and I32 tensors through a file, scalars and empty tensors included", async () => {
    const path = join(dir, "rt.safetensors");
    const w = new Float32Array(1000).map((_, i) => Math.sin(i) * 1e-3);
    await writeSafetensors(
      path,
      new Map<string, WritableTensor>([
        ["w", { shape: [10, 100], data: w }],
        ["ids", { dtype: "I64", shape: [3], data: new BigInt64Array([1n, -2n, 9007199254740993n]) }],
        ["count", { dtype: "I32", shape: [], data: new Int32Array([42]) }],
        ["empty", { shape: [0, 4], data: new Float32Array(0) }],
      ]),
      { format: "pt", note: "hello" },
    );
    const file = await readSafetensors(path);
    expect(file.metadata).toEqual({ format: "pt", note: "hello" });
    expect([...file.tensors.keys()].sort()).toEqual(["count", "empty", "ids", "w"]);
    const t = file.tensors.get("w")!;
    expect(t.dtype).toBe("F32");
    expect(t.shape).toEqual([10, 100]);
    expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(w.buffer))).toBe(true);
    expect(file.tensors.get("ids")).toEqual({ dtype: "I64", shape: [3], data: new BigInt64Array([1n, -2n, 9007199254740993n]) });
    expect(file.tensors.get("count")).toEqual({ dtype: "I32", shape: [], data: new Int32Array([42]) });
    expect(file.tensors.get("empty")).toEqual({ dtype: "F32", shape: [0, 4], data: new Float32Array(0) });
    const header = await readSafetensorsHeader(path);
    expect([...header.tensors.keys()]).toEqual(["count", "empty", "ids", "w"]);
    expect((await readdir(dir)).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("streams a multi-megabyte tensor to disk and reads it back bit for bit", async () => {
    const path = join(dir, "big.safetensors");
    const big = new Float32Array(1_000_000);
    for (let i = 0; i < big.length; i++) big[i] = i * 0.5;
    await writeSafetensors(path, { big: { shape: [1000, 1000], data: big } });
    const back = (await readSafetensors(path)).tensors.get("big")!;
    expect(back.data.length).toBe(big.length);
    expect(back.data[999_999]).toBe(499_999.5);
    expect(Buffer.from((back.data as Float32Array).buffer).equals(Buffer.from(big.buffer))).toBe(true);
  });

  it("reads files written by others: unpadded header, F16 and BF16 converted to F32, any key order", () => {
    const data = new Uint8Array(8);
    const dv = new DataView(data.buffer);
    dv.setUint16(0, 0x3c00, true); // f16 1.0
    dv.setUint16(2, 0xc000, true); // f16 -2.0
    dv.setUint16(4, 0x3f80, true); // bf16 1.0
    dv.setUint16(6, 0x4049, true); // bf16 ~3.140625
    const bytes = handMade(
      {
        b: { dtype: "BF16", shape: [2], data_offsets: [4, 8] },
        a: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
      },
      data,
      false,
    );
    const file = parseSafetensors(bytes);
    expect(file.metadata).toEqual({});
    expect(Array.from(file.tensors.get("a")!.data as Float32Array)).toEqual([1, -2]);
    expect(Array.from(file.tensors.get("b")!.data as Float32Array)).toEqual([1, 3.140625]);
  });

  it("rejects malformed files, naming the tensor", () => {
    const data = new Uint8Array(8);
    expect(() => parseSafetensorsHeader(handMade({ x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, data))).toThrow(/"x".*8 bytes for F32\[3\]/);
    expect(() => parseSafetensorsHeader(handMade({ x: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, data))).toThrow(/"x".*gap/);
    expect(() => parseSafetensorsHeader(handMade({ x: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, data))).toThrow(/data section/);
    expect(() => parseSafetensorsHeader(handMade({ x: { dtype: "Q4", shape: [1], data_offsets: [0, 4] } }, data))).toThrow(/unknown dtype/);
    expect(() => parseSafetensorsHeader(new Uint8Array(4))).toThrow(/shorter/);
    const truncated = handMade({ x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, data).subarray(0, 12);
    expect(() => parseSafetensorsHeader(truncated)).toThrow(/past the end/);
  });

  it("refuses to write data that does not match its shape", () => {
    expect(() => serializeSafetensors({ x: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/"x".*3 values/);
  });

  it("names the file when reading fails", async () => {
    const path = join(dir, "bad.safetensors");
    await writeFile(path, new Uint8Array([1, 2, 3]));
    await expect(readSafetensors(path)).rejects.toThrow(/bad\.safetensors/);
    expect((await readFile(path)).length).toBe(3);
  });
});
