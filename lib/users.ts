// Accounts: create, look up, change role, disable. Passwords are stored hashed only.
// Each account has a session version, carried in its sessions' JWTs: a password change, a role
// change or disabling bumps it, which ends every session of that user at once.
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client";
import { ROLES, users, type Role } from "../db/schema";
import { isImportedIdentityEmail } from "./auth/imported-identity";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "./auth/password";

export interface UserSummary {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

const summary = { id: users.id, email: users.email, name: users.name, role: users.role, disabled: users.disabled };

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  password: z.string().min(4).max(200),
});
export type NewUser = z.input<typeof newUserSchema>;

export const userUpdateSchema = z
  .object({ role: z.enum(ROLES), disabled: z.boolean(), name: z.string().trim().min(1).max(200), password: z.string().min(4).max(200) })
  .partial()
  .strict();
export type UserUpdate = z.infer<typeof userUpdateSchema>;

export class DuplicateEmailError extends Error {
  constructor(email: string) {
    super(`email: ${email} is already taken`);
  }
}

export async function createUser(db: Db, input: NewUser): Promise<UserSummary> {
  const data = newUserSchema.parse(input);
  if (findUserByEmail(db, data.email)) throw new DuplicateEmailError(data.email);
  const passwordHash = await hashPassword(data.password);
  return db.insert(users).values({ email: data.email, name: data.name, role: data.role, passwordHash }).returning(summary).get();
}

export function findUserByEmail(db: Db, email: string): UserSummary | undefined {
  return db.select(summary).from(users).where(eq(users.email, email.trim().toLowerCase())).get();
}

export function getUser(db: Db, id: number): UserSummary | undefined {
  return db.select(summary).from(users).where(eq(users.id, id)).get();
}

/** The user a session names, or undefined when the account is gone, disabled, or its session version moved on. */
export function getSessionUser(db: Db, id: number, sessionVersion: number): UserSummary | undefined {
  return db
    .select(summary)
    .from(users)
    .where(and(eq(users.id, id), eq(users.sessionVersion, sessionVersion), eq(users.disabled, false)))
    .get();
}

export function listUsers(db: Db): UserSummary[] {
  return db.select(summary).from(users).orderBy(asc(users.id)).all();
}

/** A change refused so that someone stays in charge (see adminLockoutError); names the field. */
export class AdminLockoutError extends Error {
  constructor(
    readonly field: "role" | "disabled",
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/**
 * Applies a change to an account. The lockout rule is checked and the row written in one
 * IMMEDIATE transaction, so two admins demoting each other at once cannot both succeed.
 * Throws AdminLockoutError when the change would leave no one in charge.
 */
export async function updateUser(db: Db, id: number, input: UserUpdate, options: { actorId?: number } = {}): Promise<UserSummary | undefined> {
  const data = userUpdateSchema.parse(input);
  const { password, ...rest } = data;
  const values: SQLiteUpdateSetSource<typeof users> = { ...rest };
  if (password !== undefined) values.passwordHash = await hashPassword(password);
  return db.transaction(
    (tx) => {
      const lockout = adminLockoutError(tx, id, data, options.actorId);
      if (lockout) throw new AdminLockoutError(lockout.field, lockout.message);
      const before = getUser(tx, id);
      if (!before) return undefined;
      if (Object.keys(values).length === 0) return before;
      if (endsSessions(before, data)) values.sessionVersion = sql`${users.sessionVersion} + 1`;
      return tx.update(users).set(values).where(eq(users.id, id)).returning(summary).get();
    },
    { behavior: "immediate" },
  );
}

/** A change that ends the user's sessions: a new password, another role, disabling. */
function endsSessions(before: UserSummary, update: UserUpdate): boolean {
  return update.password !== undefined || (update.role !== undefined && update.role !== before.role) || (update.disabled === true && !before.disabled);
}

/** A signed-in user, with the session version that their new session carries. */
export type AuthenticatedUser = UserSummary & { sessionVersion: number };

/**
 * The user for these credentials, or null (unknown email, wrong password, disabled, no
 * password). Every null costs one password check too, so timing does not tell which emails
 * have accounts. A legacy (bcrypt) or outdated hash is replaced by a new one on success.
 */
export async function authenticate(db: Db, email: string, password: string): Promise<AuthenticatedUser | null> {
  const row = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  // Imported identities (imported rankings' annotators) never sign in, even enabled and given a password.
  if (!row || row.disabled || !row.passwordHash || isImportedIdentityEmail(row.email)) return verifyDummyPassword(password).then(() => null);
  if (!(await verifyPassword(password, row.passwordHash))) return null;
  if (needsRehash(row.passwordHash)) {
    const passwordHash = await hashPassword(password);
    // Only if the stored hash is still the one checked (a concurrent password change wins).
    db.update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, row.id), eq(users.passwordHash, row.passwordHash)))
      .run();
  }
  return { id: row.id, email: row.email, name: row.name, role: row.role, disabled: row.disabled, sessionVersion: row.sessionVersion };
}

/**
 * Why an account change must be refused so that someone stays in charge, or null: an admin
 * cannot disable or demote their own account (`actorId`), and the last enabled admin cannot
 * be disabled or demoted by anyone (the CLI included). The answer names the field.
 */
export function adminLockoutError(db: Db, targetId: number, update: UserUpdate, actorId?: number): { field: "role" | "disabled"; message: string } | null {
  const target = getUser(db, targetId);
  if (!target || target.role !== "admin" || target.disabled) return null;
  const field = update.disabled === true ? "disabled" : update.role !== undefined && update.role !== "admin" ? "role" : null;
  if (!field) return null;
  if (actorId === targetId) {
    return { field, message: field === "disabled" ? "you cannot disable your own account" : "you cannot remove your own admin role" };
  }
  const enabledAdmins = listUsers(db).filter((u) => u.role === "admin" && !u.disabled).length;
  if (enabledAdmins <= 1) return { field, message: "this is the last enabled admin" };
  return null;
}
