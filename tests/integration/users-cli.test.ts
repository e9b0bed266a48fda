// `palate users …` in-process against a temp database: list, add, set-role, disable, enable,
// and failures as a CliError naming the problem (which the dispatcher prints as one line, exit 1).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authenticate, findUserByEmail } from "@/lib/users";
import { CliError } from "@/scripts/cli";
import { command } from "@/scripts/commands/users";
import { tempDb } from "../helpers/app";

describe("palate users", () => {
  const temp = tempDb();
  const previous = process.env.PALATE_DB;
  beforeAll(() => {
    process.env.PALATE_DB = temp.path;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.PALATE_DB;
    else process.env.PALATE_DB = previous;
    temp.cleanup();
  });

  /** Runs `palate users ARGV`; resolves to the exit code and what it printed, or the error it failed with. */
  async function palate(...argv: string[]): Promise<{ code: number; out: string; err?: Error }> {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
    try {
      const code = await command.run(argv.slice(1));
      return { code, out: out.join("\n") };
    } catch (err) {
      return { code: 1, out: out.join("\n"), err: err as Error };
    } finally {
      log.mockRestore();
    }
  }

  it("documents every subcommand", () => {
    for (const sub of [
      "list",
      "add --email EMAIL --name NAME --role ROLE --password",
      "set-role --email EMAIL --role ROLE",
      "disable --email",
      "enable --email",
    ]) {
      expect(command.usage).toContain(`palate users ${sub}`);
    }
  });

  it("adds, lists, changes the role of, disables and enables an account", async () => {
    expect((await palate("users", "add", "--email", "Boss@Example.org", "--name", "Boss", "--role", "admin", "--password", "pw-1234")).code).toBe(0);
    expect((await palate("users", "add", "--email", "ann@example.org", "--name", "Ann", "--role", "annotator", "--password", "pw-1234")).code).toBe(0);
    expect(await authenticate(temp.db, "boss@example.org", "pw-1234")).not.toBeNull();

    const list = await palate("users", "list");
    expect(list.out).toMatch(/boss@example\.org\s+admin\s+active\s+Boss/);
    expect(list.out).toMatch(/ann@example\.org\s+annotator\s+active\s+Ann/);

    expect((await palate("users", "set-role", "--email", "ann@example.org", "--role", "researcher")).code).toBe(0);
    expect(findUserByEmail(temp.db, "ann@example.org")?.role).toBe("researcher");

    expect((await palate("users", "disable", "--email", "ann@example.org")).code).toBe(0);
    expect(await authenticate(temp.db, "ann@example.org", "pw-1234")).toBeNull();
    expect((await palate("users", "enable", "--email", "ann@example.org")).code).toBe(0);
    expect(await authenticate(temp.db, "ann@example.org", "pw-1234")).not.toBeNull();

    const json = JSON.parse((await palate("users", "list", "--json")).out) as { email: string; role: string }[];
    expect(json.map((u) => [u.email, u.role])).toEqual([
      ["boss@example.org", "admin"],
      ["ann@example.org", "researcher"],
    ]);
  });

  it("fails with one line naming the problem", async () => {
    const cases: [string[], RegExp][] = [
      [["users", "add", "--email", "boss@example.org", "--name", "B", "--role", "admin", "--password", "pw-1234"], /--email: .*already taken/],
      [["users", "add", "--email", "x@example.org", "--name", "X", "--role", "boss", "--password", "pw-1234"], /--role: expected one of/],
      [["users", "add", "--email", "not-an-email", "--name", "X", "--role", "admin", "--password", "pw-1234"], /--email: /],
      [["users", "add", "--email", "x@example.org", "--role", "admin", "--password", "pw-1234"], /--name is required/],
      [["users", "set-role", "--email", "nobody@example.org", "--role", "admin"], /--email: no user/],
      [["users", "disable", "--email", "boss@example.org"], /last enabled admin/],
      [["users", "set-role", "--email", "boss@example.org", "--role", "annotator"], /last enabled admin/],
      [["users", "frobnicate"], /unknown subcommand/],
      [["users"], /subcommand is required/],
    ];
    for (const [argv, message] of cases) {
      const { err } = await palate(...argv);
      expect(err, argv.join(" ")).toBeInstanceOf(CliError);
      expect(err!.message).toMatch(message);
    }
    expect(findUserByEmail(temp.db, "boss@example.org")).toMatchObject({ role: "admin", disabled: false });
  });
});
