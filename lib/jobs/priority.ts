// Jobs yield the CPU to the web server: a job's process (the worker's child, or the CLI running a
// job in the foreground) lowers its own scheduling priority before it starts computing, so
// training and imports take the cores the annotators' requests leave idle instead of queueing
// ahead of them. On Linux a nice value is per thread and inherited by threads created later, so
// this runs before ONNX Runtime or the thread pool start their threads.
// PALATE_JOB_NICE sets the value (default 10; 0 leaves the priority alone).
import { getPriority, setPriority } from "node:os";

export const DEFAULT_JOB_NICE = 10;

/** The nice value jobs run at: $PALATE_JOB_NICE (0–19) or the default. */
export function jobNice(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PALATE_JOB_NICE;
  if (raw === undefined || raw === "") return DEFAULT_JOB_NICE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new Error(`PALATE_JOB_NICE: expected a whole number from 0 to 19, got ${raw}`);
  return n;
}

/** Lowers this process's priority to the job nice value (never raises it); returns the value now in force. */
export function lowerJobPriority(env: NodeJS.ProcessEnv = process.env): number {
  const want = jobNice(env);
  const now = getOwnNice();
  if (want <= now) return now;
  setPriority(want);
  return getOwnNice();
}

/** os.getPriority() reads the calling thread's value: the main thread here. */
function getOwnNice(): number {
  return getPriority();
}
