import { databasePath, openDb } from "../../db/client";
import { MODEL_KINDS } from "../../db/schema";
import { DuplicateModelError, ensureDefaultModel, listModels, newModelSchema, registerModel } from "../../lib/models/registry";
import { CliError, parseFlags, required, type Command } from "../cli";

const usage = `Usage: palate models <subcommand> [options]

The model registry of $PALATE_DB (default ./data/palate.db).

  palate models list [--json]
      every registered model: id, name, kind, source
  palate models add --name NAME --dir DIR [--kind policy]
      registers a Palate model directory; DIR must lie under a model root: the
      project's models/, the folder of the database, or a folder listed in
      PALATE_MODEL_ROOTS (separated by ":"); links are followed before the check
  palate models add --name NAME --base-url URL --remote-model NAME [--api-key KEY]
                    [--endpoint chat|completions] [--kind policy]
      registers an OpenAI-compatible server (vLLM, Ollama, llama.cpp, TGI, palate serve);
      URL is http(s) and includes the version prefix, e.g. http://127.0.0.1:8000/v1
      (loopback and private addresses are fine; link-local and cloud-metadata hosts are
      refused). The key is stored encrypted under the server secret (NEXTAUTH_SECRET or
      the auth-secret file beside the database) and never shown again; --api-key env:NAME
      stores only a reference and reads the key from the environment variable NAME when
      the model is used (which also keeps it out of the process list).
      --endpoint completions samples via /v1/completions with the chat template rendered
      (default: /v1/chat/completions with messages).

KIND is ${MODEL_KINDS.join(", ")}.`;

export const command: Command = {
  name: "models",
  summary: "List and register models (Palate directories, OpenAI-compatible servers)",
  usage,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "list" && sub !== "add") throw new CliError(`expected a subcommand: list or add (see palate models --help)`);
    const db = openDb(databasePath());
    try {
      if (sub === "list") {
        const { values } = parseFlags(rest, { json: { type: "boolean" } });
        ensureDefaultModel(db);
        const list = listModels(db);
        if (values.json) console.log(JSON.stringify(list));
        else for (const m of list) console.log(`${m.id}\t${m.name}\t${m.kind}\t${m.source === "palate" ? m.path : `${m.baseUrl} (${m.remoteModel})`}`);
        return 0;
      }
      const { values } = parseFlags(rest, {
        name: { type: "string" },
        kind: { type: "string" },
        dir: { type: "string" },
        "base-url": { type: "string" },
        "remote-model": { type: "string" },
        "api-key": { type: "string" },
        endpoint: { type: "string" },
      });
      const name = required(values.name, "name");
      const kind = values.kind ?? "policy";
      if (values.endpoint !== undefined && values.endpoint !== "chat" && values.endpoint !== "completions")
        throw new CliError(`--endpoint: expected chat or completions, got "${values.endpoint}"`);
      const input =
        values.dir !== undefined
          ? { name, kind, source: "palate", path: values.dir }
          : {
              name,
              kind,
              source: "openai",
              baseUrl: required(values["base-url"], "base-url"),
              remoteModel: required(values["remote-model"], "remote-model"),
              ...(values["api-key"] ? { apiKey: values["api-key"] } : {}),
              ...(values.endpoint ? { metadata: { endpoint: values.endpoint } } : {}),
            };
      const parsed = newModelSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const flag = { path: "dir", baseUrl: "base-url", remoteModel: "remote-model", apiKey: "api-key" }[String(issue.path[0])] ?? String(issue.path[0]);
        throw new CliError(`--${flag}: ${issue.message}`);
      }
      try {
        const model = registerModel(db, parsed.data);
        console.log(`Registered model ${model.id}: ${model.name} (${model.kind}, ${model.source}).`);
      } catch (err) {
        if (err instanceof DuplicateModelError) throw new CliError(err.message);
        throw err;
      }
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
