// How many threads a training job's onnxruntime sessions may use per operator (the sessions'
// intraOpNumThreads). One by default: results are then the same bit for bit from run to run, and
// the worker's quick lane and the web server keep a core. More is faster on a machine with cores
// to spare (on 2 cores, 2 threads make a GRPO iteration of the default models about 1.5× faster),
// at the price of float sums whose order, and so whose last bits, vary between runs.
import { z } from "zod";

export const MAX_THREADS = 64;

export const threadsSchema = z
  .number()
  .int()
  .min(1)
  .max(MAX_THREADS)
  .describe("onnxruntime threads per operator (1: reproducible bit for bit; up to the machine's cores: faster).");

/** The threads of a job's parameters: 1 when not given. */
export function jobThreads(threads: number | undefined): number {
  return threads ?? 1;
}
