// Accounts: create, look up, change role, disable. Passwords are stored hashed only.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client";
import { ROLES, users, type Role } from "../db/schema";
import { hashPassword, verifyPassword } from "./auth/password";

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
  return db
    .insert(users)
    .values({ email: data.email, name: data.name, role: data.role, passwordHash })
    .returning(summary)
    .get();
}

export function findUserByEmail(db: Db, email: string): UserSummary | undefined {
  return db.select(summary).from(users).where(eq(users.email, email.trim().toLowerCase())).get();
}

export function getUser(db: Db, id: number): UserSummary | undefined {
  return db.select(summary).from(users).where(eq(users.id, id)).get();
}

export function listUsers(db: Db): UserSummary[] {
  return db.select(summary).from(users).orderBy(asc(users.id)).all();
}

export async function updateUser(db: Db, id: number, input: UserUpdate): Promise<UserSummary | undefined> {
  const data = userUpdateSchema.parse(input);
  const { password, ...rest } = data;
  const values: Partial<typeof users.$inferInsert> = { ...rest };
  if (password !== undefined) values.passwordHash = await hashPassword(password);
  if (Object.keys(values).length === 0) return getUser(db, id);
  return db.update(users).set(values).where(eq(users.id, id)).returning(summary).get();
}

/** The user for these credentials, or null (unknown email, wrong password, disabled, no password). */
export async function authenticate(db: Db, email: string, password: string): Promise<UserSummary | null> {
  const row = db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  if (!row || row.disabled || !row.passwordHash) return null;
  if (!(await verifyPassword(password, row.passwordHash))) return null;
  return { id: row.id, email: row.email, name: row.name, role: row.role, disabled: row.disabled };
}
