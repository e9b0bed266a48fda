// Splitting a byte stream into numbered JSONL lines, each decoded as strict UTF-8.
// The same splitter serves a file read synchronously (the import's insert pass runs inside one
// synchronous transaction) and an async stream (an HTTP upload), so both see identical lines.
import { closeSync, openSync, readSync } from "node:fs";

/** One line of the input: its text, or why it could not be read. Numbers count from 1, blank lines included. */
export type Line = { line: number; text: string; error?: undefined } | { line: number; text?: undefined; error: string };

/** Lines longer than this are reported, not buffered, so one runaway line cannot exhaust memory. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Incremental splitter: push chunks, get the complete lines they finish; `end()` flushes the last one. */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private tooLong = false;
  private lineNumber = 0;
  /** Strips a byte-order mark: used for the first line only; later lines keep U+FEFF as text. */
  private readonly firstLineDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

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
      this.keep(chunk.subarray(start, nl));
      out.push(this.finish());
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
    let bytes = this.pending.length === 1 ? this.pending[0] : concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.tooLong = false;
    if (tooLong) return { line, error: `line is longer than ${this.maxLineBytes} bytes` };
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    try {
      const text = (line === 1 ? this.firstLineDecoder : this.decoder).decode(bytes);
      return { line, text };
    } catch {
      return { line, error: "invalid UTF-8" };
    }
  }
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

/** The lines of a file, read synchronously in fixed-size chunks. */
export function* fileLines(path: string, chunkBytes = 1 << 20): Generator<Line> {
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
