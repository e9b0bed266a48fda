// Passwords: argon2id hashes, legacy bcrypt hashes that still verify and are replaced on the next
// sign-in, the same work for an unknown email as for a known one, and the session version bumps.
import bcrypt from "bcryptjs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { authenticate, createUser, getSessionUser, updateUser } from "@/lib/users";
import { tempDb } from "@/tests/helpers/app";

describe("password hashing", () => {
  it("hashes with argon2id and verifies only the right password", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("wrong horse", hash)).toBe(false);
    expect(await verifyPassword("x", "not a hash")).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });
});

describe("authenticate and sessions against a real database", () => {
  let temp: ReturnType<typeof tempDb>;
  beforeAll(() => {
    temp = tempDb();
  });
  afterAll(() => temp?.cleanup());

  const storedHash = (email: string) => temp.db.select({ h: users.passwordHash }).from(users).where(eq(users.email, email)).get()?.h;

  it("a legacy bcrypt hash still signs in, and is replaced by an argon2id hash on success", async () => {
    const user = await createUser(temp.db, { email: "old@example.org", name: "Old", role: "annotator", password: "placeholder" });
    const legacy = await bcrypt.hash("legacy-pass", 4);
    temp.db.update(users).set({ passwordHash: legacy }).where(eq(users.id, user.id)).run();
    expect(needsRehash(legacy)).toBe(true);

    expect(await authenticate(temp.db, "old@example.org", "wrong")).toBeNull();
    expect(storedHash("old@example.org")).toBe(legacy);

    expect(await authenticate(temp.db, "OLD@example.org", "legacy-pass")).toMatchObject({ id: user.id, sessionVersion: 0 });
    const rehashed = storedHash("old@example.org")!;
    expect(rehashed).toMatch(/^\$argon2id\$/);
    expect(await authenticate(temp.db, "old@example.org", "legacy-pass")).not.toBeNull();
  });

  it("an unknown email costs as much as a wrong password for a known one (generous ratio over several trials)", async () => {
    await createUser(temp.db, { email: "known@example.org", name: "Known", role: "annotator", password: "right-pass" });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const time = async (email: string) => {
      const t0 = performance.now();
      expect(await authenticate(temp.db, email, "wrong-pass")).toBeNull();
      return performance.now() - t0;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await time("known@example.org"));
      unknown.push(await time(`nobody-${i}@example.org`));
    }
    // Before: ~0.1 ms for an unknown email against tens of ms for a known one (ratio < 0.01).
    expect(median(unknown) / median(known)).toBeGreaterThan(0.3);
    expect(median(unknown) / median(known)).toBeLessThan(3);
  });

  it("a password change, a role change and disabling bump the session version; other changes do not", async () => {
    const user = await createUser(temp.db, { email: "sv@example.org", name: "SV", role: "annotator", password: "pass-1" });
    const version = () => temp.db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, user.id)).get()!.v;
    expect(version()).toBe(0);
    expect(getSessionUser(temp.db, user.id, 0)).toMatchObject({ email: "sv@example.org" });

    await updateUser(temp.db, user.id, { name: "Renamed" });
    await updateUser(temp.db, user.id, { role: "annotator" });
    expect(version()).toBe(0);

    await updateUser(temp.db, user.id, { password: "pass-2" });
    expect(version()).toBe(1);
    expect(getSessionUser(temp.db, user.id, 0)).toBeUndefined();
    expect(getSessionUser(temp.db, user.id, 1)).toBeDefined();

    await updateUser(temp.db, user.id, { role: "researcher" });
    expect(version()).toBe(2);
    await updateUser(temp.db, user.id, { disabled: true });
    expect(version()).toBe(3);
    expect(getSessionUser(temp.db, user.id, 3)).toBeUndefined();
    await updateUser(temp.db, user.id, { disabled: false });
    expect(version()).toBe(3);
    expect(await authenticate(temp.db, "sv@example.org", "pass-2")).toMatchObject({ sessionVersion: 3, role: "researcher" });
  });
});
