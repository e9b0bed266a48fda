// Splitting a byte stream into numbered JSONL lines, each decoded as strict UTF-8.
// The same splitter serves a file read synchronously (the import's insert pass runs inside one
// synchronous transaction) and an async stream (an HTTP upload), so both see identical lines.
import { isUtf8 } from "node:buffer";
import { closeSync, openSync, readSync } from "node:fs";

/** One line of the input: its text, or why it could not be read. Numbers count from 1, blank lines included. */
export type Line = { line: number; text: string; error?: undefined } | { line: number; text?: undefined; error: string };

/** Lines longer than this are reported, not buffered, so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Incremental splitter: push chunks, get the complete lines they finish; `end()` flushes the last
 * one. A line that lies whole inside one chunk is decoded where it lies; only the part of a line
 * that runs past a chunk's end is copied (the caller may reuse its buffer: readSync does).
 */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private tooLong = false;
  private lineNumber = 0;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /** The lines that `chunk` completes (possibly none). */
  push(chunk: Uint8Array): Line[] {
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) {
        this.keep(chunk.subarray(start));
        return out;
      }
      if (this.pendingBytes === 0 && !this.tooLong) {
        const line = ++this.lineNumber;
        out.push(nl - start > this.maxLineBytes ? this.tooLongLine(line) : decodeLine(line, chunk.subarray(start, nl)));
      } else {
        this.keep(chunk.subarray(start, nl));
        out.push(this.finish());
      }
      start = nl + 1;
    }
  }

  /** The last line, when the input does not end with a newline. */
  end(): Line[] {
    if (this.pendingBytes === 0 && !this.tooLong) return [];
    return [this.finish()];
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.tooLong) return;
    if (this.pendingBytes + bytes.length > this.maxLineBytes) {
      this.tooLong = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copy: the caller may reuse its buffer (readSync does).
    this.pending.push(bytes.slice());
    this.pendingBytes += bytes.length;
  }

  private finish(): Line {
    const line = ++this.lineNumber;
    const tooLong = this.tooLong;
    const bytes = this.pending.length === 1 ? this.pending[0] : concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.tooLong = false;
    return tooLong ? this.tooLongLine(line) : decodeLine(line, bytes);
  }

  private tooLongLine(line: number): Line {
    return { line, error: `line is longer than ${this.maxLineBytes} bytes` };
  }
}

/**
 * One line's bytes as text: a final CR dropped (CRLF files), strict UTF-8 (invalid bytes make the
 * line an error, never U+FFFD), and on the first line a byte-order mark dropped (later lines keep
 * U+FEFF as text) — what a fatal TextDecoder gives, checked by isUtf8 and decoded by Buffer, which
 * is several times faster line by line.
 */
function decodeLine(line: number, bytes: Uint8Array): Line {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === CR) end--;
  const text = bytes.subarray(0, end);
  if (!isUtf8(text)) return { line, error: "invalid UTF-8" };
  const bom = line === 1 && end >= 3 && text[0] === 0xef && text[1] === 0xbb && text[2] === 0xbf ? 3 : 0;
  return { line, text: Buffer.from(text.buffer, text.byteOffset + bom, end - bom).toString("utf8") };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * The lines of a file, read synchronously in fixed-size chunks. A chunk's lines are decoded
 * together and live until the last is consumed: 64 KiB chunks keep that to ~64 lines of ~1 KB
 * (1 MiB chunks kept a thousand alive across the importer's garbage collections).
 */
export function* fileLines(path: string, chunkBytes = 1 << 16): Generator<Line> {
  const fd = openSync(path, "r");
  try {
    const buffer = new Uint8Array(chunkBytes);
    const splitter = new LineSplitter();
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      yield* splitter.push(buffer.subarray(0, n));
    }
    yield* splitter.end();
  } finally {
    closeSync(fd);
  }
}

/** The lines of an async byte stream (a Node stream, a web ReadableStream, any async iterable of chunks). */
export async function* streamLines(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Line> {
  const splitter = new LineSplitter();
  for await (const chunk of byteChunks(source)) yield* splitter.push(chunk);
  yield* splitter.end();
}

/** The chunks of a web ReadableStream (e.g. a request body) or of any async iterable of bytes. */
export async function* byteChunks(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (!("getReader" in source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
