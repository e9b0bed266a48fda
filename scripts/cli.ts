// Shared pieces of the CLI: the command shape, argument parsing and failure reporting.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { MAX_THREADS } from "../lib/jobs/threads";

export interface Command {
  /** The word after `palate`. */
  name: string;
  /** One line for `palate --help`. */
  summary: string;
  /** Full usage text for `palate NAME --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A failure to report as one line on stderr with a non-zero exit. */
export class CliError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses argv strictly; unknown flags become a CliError naming the flag. */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** Parses a flag value as a number, naming the flag when it is not one. */
export function numberFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`--${flag}: expected a number, got "${value}"`);
  return n;
}

/** Requires a flag, naming it when it is missing. */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === "") throw new CliError(`--${flag} is required`);
  return value;
}

/** The usage line of `--threads N`, shared by the training commands. */
export const THREADS_FLAG_HELP = `  --threads N                 onnxruntime threads per operator (default 1: the same result bit for bit each run;
                              up to the machine's cores: faster)`;

/** `--threads N`: onnxruntime threads per operator of a training job (lib/jobs/threads.ts); undefined when not given. */
export function threadsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new CliError(`--threads: expected a whole number from 1 to ${MAX_THREADS}, got "${value}"`);
  return n;
}
