// `palate <command>`: a thin dispatcher over scripts/commands/*, each a thin layer over lib/.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CliError, type Command } from "./cli";

const here = dirname(fileURLToPath(import.meta.url));

async function loadCommands(): Promise<Command[]> {
  const dir = join(here, "commands");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  const commands: Command[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { command?: Command };
    if (mod.command) commands.push(mod.command);
  }
  return commands;
}

/** The command in the file of its name, loaded alone (loading every command and what it imports took a second). */
async function loadCommand(name: string): Promise<Command | undefined> {
  const file = join(here, "commands", `${name}.ts`);
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as { command?: Command };
  return mod.command?.name === name ? mod.command : undefined;
}

function overview(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Usage: palate <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `palate <command> --help` for a command's options.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(overview(await loadCommands()));
    return name ? 0 : 1;
  }
  const command = (await loadCommand(name)) ?? (await loadCommands()).find((c) => c.name === name);
  if (!command) {
    console.error(`palate: unknown command "${name}" (see palate --help)`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`palate ${name}: ${message.split("\n")[0]}`);
    if (!(err instanceof CliError) && process.env.PALATE_DEBUG) console.error(err);
    return 1;
  }
}
