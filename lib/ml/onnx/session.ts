/**
 * A thin wrapper over an onnxruntime-node InferenceSession created from the builder's
 * bytes. Create once per graph and reuse; run() takes named tensors and returns named
 * tensors.
 */

import * as ort from "onnxruntime-node";

export interface SessionOptions {
  /** Threads for one operator (default: ORT's choice, all cores). */
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  /** Default "all". */
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
  /** Default "sequential". */
  executionMode?: "sequential" | "parallel";
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  /** Write the optimized model here (debugging). */
  optimizedModelFilePath?: string;
  /** Pin symbolic dims (e.g. { batch: 1 }) so ORT can plan memory statically. */
  freeDimensionOverrides?: Record<string, number>;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

export type Feeds = Record<string, ort.Tensor>;
export type Fetches = Record<string, ort.Tensor>;

export class Session {
  private constructor(readonly ort: ort.InferenceSession) {}

  static async create(model: Uint8Array | string, opts: SessionOptions = {}): Promise<Session> {
    const o: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: opts.graphOptimizationLevel ?? "all",
      executionMode: opts.executionMode ?? "sequential",
      logSeverityLevel: opts.logSeverityLevel ?? 3,
    };
    if (opts.intraOpNumThreads !== undefined) o.intraOpNumThreads = opts.intraOpNumThreads;
    if (opts.interOpNumThreads !== undefined) o.interOpNumThreads = opts.interOpNumThreads;
    if (opts.enableCpuMemArena !== undefined) o.enableCpuMemArena = opts.enableCpuMemArena;
    if (opts.enableMemPattern !== undefined) o.enableMemPattern = opts.enableMemPattern;
    if (opts.optimizedModelFilePath !== undefined) o.optimizedModelFilePath = opts.optimizedModelFilePath;
    if (opts.freeDimensionOverrides !== undefined) o.freeDimensionOverrides = opts.freeDimensionOverrides;
    const s = typeof model === "string" ? await ort.InferenceSession.create(model, o) : await ort.InferenceSession.create(model, o);
    return new Session(s);
  }

  get inputNames(): readonly string[] {
    return this.ort.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.ort.outputNames;
  }

  /** Runs the graph; `fetches` limits the outputs computed (default all). */
  async run(feeds: Feeds, fetches?: readonly string[]): Promise<Fetches> {
    const out = fetches ? await this.ort.run(feeds, fetches as string[]) : await this.ort.run(feeds);
    return out as Fetches;
  }

  async release(): Promise<void> {
    await this.ort.release();
  }
}
