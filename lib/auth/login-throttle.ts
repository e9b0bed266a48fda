// Login throttling: exponential backoff after repeated failed sign-ins, per account (email) and
// per client address. Pure rule (`backoffMs`) and its in-memory store (`FailureCounter`).
//
//   failures n  <  free           → no wait
//   failures n  ≥  free           → wait min(base · 2^(n − free), cap) after the last failure
//   no failure for `forgetMs`     → the key is forgotten
//
// Only failed password checks count; a successful sign-in clears its account's failures (not
// its address's: one valid account must not reset the counter for guessing the others). So
// 500 annotators signing in correctly from one address are never slowed down.
//
// Against bursts: an attempt on an account counts as a failure from the moment it is let
// through until its password check succeeds, so at most `free` guesses on one account are in
// flight at once. Addresses count completed failures only (a crowd behind one address signs in
// at once).
//
// The state lives in memory, in the one `next start` process that serves the app (SQLite allows
// one writer, and Palate runs one web server per database): a flood of wrong passwords then costs
// no database writes and cannot contend for the write lock that rankings need. A restart forgets
// it, which an attacker cannot cause from outside; the store is bounded (oldest keys go first).

export interface BackoffRule {
  /** Failures allowed without any wait. */
  free: number;
  /** The first wait, doubled with each further failure. */
  baseMs: number;
  /** The longest wait. */
  capMs: number;
  /** A key with no failure for this long is forgotten. */
  forgetMs: number;
}

/** Per account: 5 free failures, then 1 s, 2 s, 4 s, … up to 5 min between attempts. */
export const ACCOUNT_RULE: BackoffRule = { free: 5, baseMs: 1000, capMs: 5 * 60_000, forgetMs: 15 * 60_000 };
/** Per client address: 20 free failures (several people behind one address), then the same backoff. */
export const ADDRESS_RULE: BackoffRule = { free: 20, baseMs: 1000, capMs: 5 * 60_000, forgetMs: 15 * 60_000 };

/** How long after the last failure the next attempt must wait, after `failures` failures. */
export function backoffMs(rule: BackoffRule, failures: number): number {
  if (failures < rule.free) return 0;
  const doublings = failures - rule.free;
  return doublings >= 30 ? rule.capMs : Math.min(rule.baseMs * 2 ** doublings, rule.capMs);
}

interface Entry {
  failures: number;
  lastFailure: number;
}

/** Failure counts by key under one rule, at most `maxKeys` of them (the least recently failed go first). */
export class FailureCounter {
  private entries = new Map<string, Entry>();

  constructor(
    readonly rule: BackoffRule,
    readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string, now: number): number {
    const entry = this.live(key, now);
    if (!entry) return 0;
    return Math.max(0, entry.lastFailure + backoffMs(this.rule, entry.failures) - now);
  }

  fail(key: string, now: number): void {
    const entry = this.live(key, now) ?? { failures: 0, lastFailure: now };
    entry.failures += 1;
    entry.lastFailure = now;
    this.entries.delete(key); // re-inserted last: Map order is failure order
    this.entries.set(key, entry);
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Takes back one failure (an attempt counted in advance that did not check a password). */
  refund(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.failures -= 1;
    if (entry.failures <= 0) this.entries.delete(key);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  failures(key: string, now: number): number {
    return this.live(key, now)?.failures ?? 0;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.lastFailure > Math.max(this.rule.forgetMs, backoffMs(this.rule, entry.failures))) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

/** What a sign-in attempt is counted under: its account (normalized email) and client address, each optional. */
export interface AttemptKeys {
  account: string | null;
  address: string | null;
}

export type AttemptOutcome = "succeeded" | "failed" | "unchecked";

export class LoginThrottle {
  readonly accounts: FailureCounter;
  readonly addresses: FailureCounter;

  constructor(account: BackoffRule = ACCOUNT_RULE, address: BackoffRule = ADDRESS_RULE) {
    this.accounts = new FailureCounter(account);
    this.addresses = new FailureCounter(address);
  }

  /** Milliseconds the attempt must wait (the longer of its account's and its address's); 0 when it may go ahead. */
  retryAfterMs(keys: AttemptKeys, now: number): number {
    return Math.max(keys.account ? this.accounts.waitMs(keys.account, now) : 0, keys.address ? this.addresses.waitMs(keys.address, now) : 0);
  }

  /**
   * Lets an attempt through when it need not wait: counts it against its account right away
   * (see the header) and returns the function that settles it once its outcome is known.
   * Returns the wait in milliseconds instead when it must wait.
   */
  begin(keys: AttemptKeys, now: number): number | ((outcome: AttemptOutcome, at: number) => void) {
    const wait = this.retryAfterMs(keys, now);
    if (wait > 0) return wait;
    if (keys.account) this.accounts.fail(keys.account, now);
    let settled = false;
    return (outcome, at) => {
      if (settled) return;
      settled = true;
      if (keys.account) {
        if (outcome === "succeeded") this.accounts.clear(keys.account);
        else if (outcome === "unchecked") this.accounts.refund(keys.account);
      }
      if (keys.address && outcome === "failed") this.addresses.fail(keys.address, at);
    };
  }
}

const GLOBAL_KEY = Symbol.for("palate.loginThrottle");

/** The server process's throttle (one instance even if the bundler loads this module twice). */
export function loginThrottle(): LoginThrottle {
  const holder = globalThis as { [GLOBAL_KEY]?: LoginThrottle };
  return (holder[GLOBAL_KEY] ??= new LoginThrottle());
}
