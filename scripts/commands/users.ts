import { databasePath, openDb, type Connection } from "../../db/client";
import { ROLES, type Role } from "../../db/schema";
import { AdminLockoutError, createUser, findUserByEmail, listUsers, newUserSchema, updateUser, type UserSummary, type UserUpdate } from "../../lib/users";
import { CliError, parseFlags, required, type Command } from "../cli";

const SUBCOMMANDS = ["list", "add", "set-role", "disable", "enable"] as const;

const usage = `Usage: palate users <subcommand> [options]

Manages the accounts of $PALATE_DB (default ./data/palate.db).

  palate users list [--json]
      every account: id, email, role, status, name
  palate users add --email EMAIL --name NAME --role ROLE --password PASSWORD
      creates an account; ROLE is ${ROLES.join(", ")}
  palate users set-role --email EMAIL --role ROLE
      changes the role and ends the user's open sessions (they sign in again)
  palate users disable --email EMAIL
      blocks sign-in and ends the user's open sessions at once
  palate users enable --email EMAIL
      lets a disabled user sign in again

The last enabled admin cannot be disabled or given another role.`;

function parseRole(value: string | undefined): Role {
  const role = required(value, "role");
  if (!(ROLES as readonly string[]).includes(role)) throw new CliError(`--role: expected one of ${ROLES.join(", ")}, got "${role}"`);
  return role as Role;
}

function userByEmail(db: Connection, email: string | undefined): UserSummary {
  const address = required(email, "email");
  const user = findUserByEmail(db, address);
  if (!user) throw new CliError(`--email: no user with the email "${address}"`);
  return user;
}

async function update(db: Connection, user: UserSummary, change: UserUpdate): Promise<UserSummary> {
  let updated: UserSummary | undefined;
  try {
    updated = await updateUser(db, user.id, change);
  } catch (err) {
    if (err instanceof AdminLockoutError) throw new CliError(`${user.email}: ${err.reason}`);
    throw err;
  }
  if (!updated) throw new CliError(`user ${user.email} vanished`);
  return updated;
}

function describe(user: UserSummary): string {
  return `${user.email} (${user.role}${user.disabled ? ", disabled" : ""})`;
}

export const command: Command = {
  name: "users",
  summary: "List, add, change the role of, disable or enable accounts",
  usage,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new CliError(sub ? `unknown subcommand "${sub}" (expected ${SUBCOMMANDS.join(", ")})` : `a subcommand is required (${SUBCOMMANDS.join(", ")})`);
    }
    const db = openDb(databasePath());
    try {
      switch (sub) {
        case "list": {
          const { values } = parseFlags(rest, { json: { type: "boolean" } });
          const users = listUsers(db);
          if (values.json) {
            console.log(JSON.stringify(users, null, 2));
            return 0;
          }
          const width = Math.max(5, ...users.map((u) => u.email.length));
          console.log(`${"id".padStart(4)}  ${"email".padEnd(width)}  ${"role".padEnd(10)}  ${"status".padEnd(8)}  name`);
          for (const u of users) {
            console.log(
              `${String(u.id).padStart(4)}  ${u.email.padEnd(width)}  ${u.role.padEnd(10)}  ${(u.disabled ? "disabled" : "active").padEnd(8)}  ${u.name}`,
            );
          }
          return 0;
        }
        case "add": {
          const { values } = parseFlags(rest, {
            email: { type: "string" },
            name: { type: "string" },
            role: { type: "string" },
            password: { type: "string" },
          });
          const input = {
            email: required(values.email, "email"),
            name: required(values.name, "name"),
            role: parseRole(values.role),
            password: required(values.password, "password"),
          };
          const parsed = newUserSchema.safeParse(input);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new CliError(`--${String(issue.path[0])}: ${issue.message}`);
          }
          if (findUserByEmail(db, parsed.data.email)) throw new CliError(`--email: ${parsed.data.email} is already taken`);
          const user = await createUser(db, parsed.data);
          console.log(`Created ${describe(user)}, id ${user.id}.`);
          return 0;
        }
        case "set-role": {
          const { values } = parseFlags(rest, { email: { type: "string" }, role: { type: "string" } });
          const role = parseRole(values.role);
          const user = await update(db, userByEmail(db, values.email), { role });
          console.log(`Updated ${describe(user)}.`);
          return 0;
        }
        default: {
          const { values } = parseFlags(rest, { email: { type: "string" } });
          const user = await update(db, userByEmail(db, values.email), { disabled: sub === "disable" });
          console.log(`Updated ${describe(user)}.`);
          return 0;
        }
      }
    } finally {
      db.$client.close();
    }
  },
};
