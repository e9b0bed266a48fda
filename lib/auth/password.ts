// Password hashing: argon2id from a native binding (@node-rs/argon2), which computes on libuv's
// thread pool, so 40 sign-ins at once do not stall every other request on the main thread.
// Parameters: OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane), ~40 ms a hash here.
// Hashes written before (bcrypt `$2…`, by bcryptjs) still verify; `needsRehash` says when a
// successful sign-in should store a new argon2id hash in their place.
import { availableParallelism } from "node:os";
import { hash, parseOptions, verify } from "@node-rs/argon2";
import bcrypt from "bcryptjs";

/** argon2id (the binding's default algorithm and version, 0x13) with these costs. */
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const ARGON2ID_PREFIX = "$argon2id$";
const BCRYPT = /^\$2[abxy]?\$/;

/**
 * At most one hash per core at once (the rest wait their turn in a queue, costing nothing): more
 * would only share the same cores, and would leave the thread pool and the main thread less room.
 */
const MAX_CONCURRENT = Math.max(1, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((start) => waiting.push(start));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export function hashPassword(password: string): Promise<string> {
  return inTurn(() => hash(password, ARGON2_OPTIONS));
}

/** True when `password` matches `stored` (an argon2id hash, or a legacy bcrypt one). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (BCRYPT.test(stored)) return bcrypt.compare(password, stored);
  try {
    return await inTurn(() => verify(stored, password));
  } catch {
    return false; // not a hash this code knows: no password matches it
  }
}

/** True when `stored` is not an argon2id hash with today's costs (a legacy bcrypt hash, older parameters). */
export function needsRehash(stored: string): boolean {
  if (!stored.startsWith(ARGON2ID_PREFIX)) return true;
  try {
    const options = parseOptions(stored);
    return (
      options.memoryCost !== ARGON2_OPTIONS.memoryCost || options.timeCost !== ARGON2_OPTIONS.timeCost || options.parallelism !== ARGON2_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

/** argon2id with ARGON2_OPTIONS of a random password thrown away: it matches nothing. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$xaGQWggpBzhJ/44ZFSm4+w$5nl2PYjkORqGnVHK9fAw5wzJiilC1Wj47Ltop14MbcE";

/**
 * The same work as checking a real password, for an unknown email, a disabled account or one
 * without a password, so that the answer's timing does not tell which emails have accounts.
 * Always false.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}
