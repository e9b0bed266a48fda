// The login throttle's rule and store: free failures, doubling waits, the cap, forgetting,
// successes clearing an account (not an address), attempts in flight counted against their account.
import { describe, expect, it } from "vitest";
import { ACCOUNT_RULE, ADDRESS_RULE, backoffMs, FailureCounter, LoginThrottle, type BackoffRule } from "@/lib/auth/login-throttle";

const RULE: BackoffRule = { free: 5, baseMs: 1000, capMs: 60_000, forgetMs: 15 * 60_000 };

describe("backoffMs", () => {
  it("is free for the first failures, then doubles up to the cap", () => {
    expect([0, 1, 4].map((n) => backoffMs(RULE, n))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8].map((n) => backoffMs(RULE, n))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(RULE, 11)).toBe(60_000);
    expect(backoffMs(RULE, 10_000)).toBe(60_000);
  });

  it("allows more failures per address than per account", () => {
    expect(ADDRESS_RULE.free).toBeGreaterThan(ACCOUNT_RULE.free);
  });
});

describe("FailureCounter", () => {
  it("makes a key wait after its free failures, counted from the last one, and forgets it later", () => {
    const counter = new FailureCounter(RULE);
    for (let i = 0; i < 5; i++) {
      expect(counter.waitMs("a", 100)).toBe(0);
      counter.fail("a", 100);
    }
    expect(counter.waitMs("a", 100)).toBe(1000);
    expect(counter.waitMs("a", 600)).toBe(500);
    expect(counter.waitMs("a", 1100)).toBe(0);
    counter.fail("a", 1100);
    expect(counter.waitMs("a", 1100)).toBe(2000);
    expect(counter.waitMs("b", 1100)).toBe(0);
    expect(counter.failures("a", 1100 + RULE.forgetMs + 1)).toBe(0);
  });

  it("keeps at most maxKeys keys, dropping the least recently failed", () => {
    const counter = new FailureCounter(RULE, 3);
    for (const key of ["a", "b", "c"]) counter.fail(key, 0);
    counter.fail("a", 1);
    counter.fail("d", 2);
    expect(["a", "b", "c", "d"].map((k) => counter.failures(k, 3))).toEqual([2, 0, 1, 1]);
  });
});

describe("LoginThrottle", () => {
  const keys = (account: string | null, address: string | null) => ({ account, address });

  it("a success clears the account's failures but not the address's", () => {
    const throttle = new LoginThrottle(RULE, { ...RULE, free: 8 });
    for (let i = 0; i < 5; i++) {
      const settle = throttle.begin(keys("a@x", "10.0.0.1"), 0);
      if (typeof settle === "number") throw new Error("throttled too early");
      settle("failed", 0);
    }
    expect(throttle.begin(keys("a@x", "10.0.0.1"), 10)).toBe(990);
    // Another account from the same address still signs in below the address's threshold.
    const other = throttle.begin(keys("b@x", "10.0.0.1"), 10);
    expect(typeof other).toBe("function");
    (other as (o: "succeeded", at: number) => void)("succeeded", 10);
    expect(throttle.addresses.failures("10.0.0.1", 10)).toBe(5);
    const after = throttle.begin(keys("a@x", "10.0.0.1"), 2000);
    (after as (o: "succeeded", at: number) => void)("succeeded", 2000);
    expect(throttle.accounts.failures("a@x", 2000)).toBe(0);
    expect(throttle.addresses.failures("10.0.0.1", 2000)).toBe(5);
  });

  it("many successful sign-ins from one address are never throttled", () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 500; i++) {
      const settle = throttle.begin(keys(`load${i}@x`, "127.0.0.1"), i);
      expect(typeof settle).toBe("function");
      (settle as (o: "succeeded", at: number) => void)("succeeded", i);
    }
  });

  it("counts attempts in flight against their account, so a burst of parallel guesses stops at the free count", () => {
    const throttle = new LoginThrottle(RULE, { ...RULE, free: 1000 });
    const started = Array.from({ length: 20 }, () => throttle.begin(keys("a@x", "10.0.0.2"), 0));
    expect(started.filter((s) => typeof s === "function")).toHaveLength(5);
    expect(started.slice(5).every((s) => typeof s === "number" && s > 0)).toBe(true);
  });

  it("an attempt that checked no password is taken back", () => {
    const throttle = new LoginThrottle(RULE, RULE);
    const settle = throttle.begin(keys("a@x", "10.0.0.3"), 0) as (o: "unchecked", at: number) => void;
    settle("unchecked", 0);
    expect(throttle.accounts.failures("a@x", 0)).toBe(0);
    expect(throttle.addresses.failures("10.0.0.3", 0)).toBe(0);
  });
});
