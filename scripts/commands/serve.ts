import { startOpenAiServer } from "../../lib/generation/openai-server";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "serve",
  summary: "Serve a Palate model directory with an OpenAI-compatible API",
  usage: `Usage: palate serve --model DIR [--port N] [--host 127.0.0.1] [--name NAME]
                    [--api-key KEY] [--allowed-hosts NAME,NAME]

Serves GET /v1/models, POST /v1/completions and POST /v1/chat/completions (n,
temperature, top_p, top_k, max_tokens, stop, seed, logprobs, stream with
stream_options.include_usage) over the model in DIR, so any OpenAI client — or a
Palate endpoint model — can sample from it. With stream: true, tokens are sent as
server-sent events while they are sampled; a client that disconnects stops the sampling.

  --model DIR           model directory (config.json, model.safetensors, tokenizer.json)
  --port N              default 8000 (0 picks a free port)
  --host HOST           default 127.0.0.1; 0.0.0.0 listens on every interface
  --name NAME           the model id clients use; default the directory's name
  --api-key KEY         every request needs Authorization: Bearer KEY (else 401, as
                        OpenAI answers); default $PALATE_SERVE_API_KEY, which keeps the
                        key out of the process list
  --allowed-hosts LIST  Host names accepted besides localhost, 127.0.0.1, [::1] and the
                        --host address (any IP address when --host is 0.0.0.0 or ::);
                        comma-separated; "any" turns the check off. Other Host values
                        answer 403 (a defense against DNS rebinding from web pages)`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      model: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      name: { type: "string" },
      "api-key": { type: "string" },
      "allowed-hosts": { type: "string" },
    });
    const dir = required(values.model, "model");
    const port = numberFlag(values.port, "port", 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: expected 0–65535, got "${values.port}"`);
    const apiKey = values["api-key"] ?? process.env.PALATE_SERVE_API_KEY ?? null;
    if (apiKey !== null && !/^\S+$/.test(apiKey))
      throw new CliError(`--api-key: expected a key without spaces${values["api-key"] === undefined ? " (from PALATE_SERVE_API_KEY)" : ""}`);
    const allowedHosts = (values["allowed-hosts"] ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter((h) => h.length > 0);
    const host = values.host ?? "127.0.0.1";
    const server = await startOpenAiServer({ dir, port, host, name: values.name, apiKey, allowedHosts });
    console.log(
      `Serving ${server.name} on ${server.url} (GET /models, POST /completions, POST /chat/completions; stream: true supported; ${apiKey ? "API key required" : "no API key"})`,
    );
    if (!apiKey && !["127.0.0.1", "localhost", "::1"].includes(host))
      console.warn(`Warning: listening on ${host} without an API key: anyone who reaches this address can sample. Set --api-key or PALATE_SERVE_API_KEY.`);
    await new Promise<void>((done) => {
      process.once("SIGINT", done);
      process.once("SIGTERM", done);
    });
    await server.close();
    return 0;
  },
};
