// An uploaded import file, written to disk as it arrives (never held in memory): the raw body,
// or the `file` part of a multipart/form-data body, parsed as a stream with @fastify/busboy
// (Request.formData() would buffer the whole file). Text fields of the form come back too.
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Busboy } from "@fastify/busboy";
import { byteChunks } from "./lines";

export interface SpooledFile {
  path: string;
  bytes: number;
}

/** A body longer than the cap: the route answers 413 (the headers may not say its length: a streamed upload). */
export class UploadTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the upload is larger than ${maxBytes} bytes`);
  }
}

/** Writes a byte stream to `path`; throws UploadTooLargeError past `maxBytes`. */
export async function spoolToFile(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, path: string, maxBytes = Infinity): Promise<SpooledFile> {
  let bytes = 0;
  async function* counted() {
    for await (const chunk of byteChunks(body)) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw new UploadTooLargeError(maxBytes);
      yield chunk;
    }
  }
  await pipeline(Readable.from(counted()), createWriteStream(path, { mode: 0o600 }));
  return { path, bytes };
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * Streams a multipart/form-data body: the part named `fileField` goes to `path`, text fields are
 * collected (small: at most 64 KiB each). Throws an UploadError naming the field when the body
 * cannot be read or has no file part.
 */
export async function spoolMultipart(
  body: ReadableStream<Uint8Array> | null,
  contentType: string,
  path: string,
  maxBytes = Infinity,
  fileField = "file",
): Promise<SpooledFile & { fields: Record<string, string> }> {
  if (!body) throw new UploadError("missing field: expected the dataset file", fileField);
  let parser: InstanceType<typeof Busboy>;
  try {
    parser = new Busboy({ headers: { "content-type": contentType }, limits: { fieldSize: 64 * 1024, files: 1 } });
  } catch {
    throw new UploadError("the multipart body could not be read", fileField);
  }
  const fields: Record<string, string> = {};
  const file: { written?: Promise<SpooledFile> } = {};
  const parsed = new Promise<void>((done, fail) => {
    parser.on("field", (name, value) => (fields[name] = value));
    parser.on("file", (name, stream) => {
      if (name !== fileField || file.written) {
        stream.resume();
        return;
      }
      file.written = spoolToFile(stream, path);
      file.written.catch(() => {});
    });
    parser.on("finish", () => done());
    parser.on("error", () => fail(new UploadError("the multipart body could not be read", fileField)));
  });
  // The whole body counts against the cap (the file part and the rest of the form).
  let seen = 0;
  async function* capped() {
    for await (const chunk of byteChunks(body!)) {
      seen += chunk.length;
      if (seen > maxBytes) throw new UploadTooLargeError(maxBytes);
      yield chunk;
    }
  }
  try {
    await pipeline(Readable.from(capped()), parser);
  } catch (err) {
    if (err instanceof UploadTooLargeError) throw err;
    throw new UploadError("the multipart body could not be read", fileField);
  }
  await parsed;
  if (!file.written) throw new UploadError("missing field: expected the dataset file", fileField);
  return { ...(await file.written), fields };
}
