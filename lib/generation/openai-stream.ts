// `stream: true` for `palate serve`: server-sent events as OpenAI's clients read them.
//
//   data: {chunk}\n\n          one choice per chunk, written as the model samples its tokens
//   data: {…, choices: [], usage}\n\n   with stream_options.include_usage
//   data: [DONE]\n\n
//
// Each choice opens (chat: a delta with the assistant role), then sends text as soon as it
// is safe to (text-stream.ts: whole characters, nothing that may become a stop string) with
// the logprobs of the tokens behind it, then closes with its finish_reason when it finishes
// (rows that stop early close early). An error after the headers went out is a last
// `data: {"error": …}` event (the official clients throw it); a client that disconnects
// aborts the generation between two decoder steps.
import type { ServerResponse } from "node:http";
import type { Completion } from "../ml/generate";
import type { PalateModel, SampleOptions } from "./palate-model";
import { TextStream } from "./text-stream";

export const finishReason = (c: Pick<Completion, "finishReason">) => (c.finishReason === "length" ? "length" : "stop");

export interface TokenLogprob {
  id: number;
  logprob: number;
}

/** How one endpoint shapes the choices of its chunks (chat.completion.chunk or text_completion). */
export interface ChunkFormat {
  object: string;
  /** The choice that opens choice `index` before any token, or null when the format has none. */
  opening(index: number): object | null;
  /** A piece of text with the tokens sampled since the previous piece. */
  content(index: number, text: string, tokens: readonly TokenLogprob[]): object;
  /** The last choice of choice `index`, with the tokens not yet sent (an EOS or stop token; often none). */
  closing(index: number, reason: "stop" | "length", tokens: readonly TokenLogprob[]): object;
}

export interface StreamRequest {
  model: PalateModel;
  /** Prompt token ids, one row per choice (choice index = row). */
  rows: number[][];
  options: SampleOptions;
  format: ChunkFormat;
  /** The fields every chunk repeats. */
  head: { id: string; created: number; model: string };
  includeUsage: boolean;
  promptTokens: number;
}

export async function streamSample(res: ServerResponse, { model, rows, options, format, head, includeUsage, promptTokens }: StreamRequest): Promise<void> {
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort(new Error("the client disconnected"));
  });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  const write = (data: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(`data: ${data}\n\n`);
  };
  const event = (body: object) => write(JSON.stringify(body));
  const usageNull = includeUsage ? { usage: null } : {};
  const send = (choice: object) => event({ ...head, object: format.object, choices: [choice], ...usageNull });

  const texts = rows.map(() => new TextStream((ids) => model.decode(ids), options.stop));
  const pending: TokenLogprob[][] = rows.map(() => []);
  const closed = rows.map(() => false);
  const close = (row: number, c: Readonly<Completion>) => {
    const rest = texts[row].finish(c.text);
    if (rest.length > 0) {
      send(format.content(row, rest, pending[row]));
      pending[row] = [];
    }
    send(format.closing(row, finishReason(c), pending[row]));
    closed[row] = true;
  };

  try {
    rows.forEach((_, row) => {
      const opening = format.opening(row);
      if (opening) send(opening);
    });
    const results = await model.sample(rows, options, {
      signal: abort.signal,
      onToken(row, c, finished) {
        const id = c.tokenIds[c.tokenIds.length - 1];
        pending[row].push({ id, logprob: c.logprobs[c.logprobs.length - 1] });
        if (finished) return close(row, c);
        const text = texts[row].push(id);
        if (text.length > 0) {
          send(format.content(row, text, pending[row]));
          pending[row] = [];
        }
      },
    });
    results.forEach((c, row) => closed[row] || close(row, c));
    if (includeUsage) {
      const completionTokens = results.reduce((s, r) => s + r.tokenIds.length, 0);
      event({
        ...head,
        object: format.object,
        choices: [],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      });
    }
    write("[DONE]");
  } catch (err) {
    if (!abort.signal.aborted) {
      const message = err instanceof Error ? err.message : String(err);
      event({ error: { message: `generation failed: ${message}`, type: "server_error", param: null, code: null } });
    }
  } finally {
    res.end();
  }
}
