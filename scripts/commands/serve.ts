import { startOpenAiServer } from "../../lib/generation/openai-server";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "serve",
  summary: "Serve a Palate model directory with an OpenAI-compatible API",
  usage: `Usage: palate serve --model DIR [--port N] [--host 127.0.0.1] [--name NAME]

Serves GET /v1/models, POST /v1/completions and POST /v1/chat/completions (n,
temperature, top_p, top_k, max_tokens, stop, seed, logprobs, stream with
stream_options.include_usage) over the model in DIR, so any OpenAI client — or a
Palate endpoint model — can sample from it. With stream: true, tokens are sent as
server-sent events while they are sampled; a client that disconnects stops the sampling.

  --model DIR   model directory (config.json, model.safetensors, tokenizer.json)
  --port N      default 8000 (0 picks a free port)
  --host HOST   default 127.0.0.1
  --name NAME   the model id clients use; default the directory's name`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      model: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      name: { type: "string" },
    });
    const dir = required(values.model, "model");
    const port = numberFlag(values.port, "port", 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: expected 0–65535, got "${values.port}"`);
    const server = await startOpenAiServer({ dir, port, host: values.host ?? "127.0.0.1", name: values.name });
    console.log(`Serving ${server.name} on ${server.url} (GET /models, POST /completions, POST /chat/completions; stream: true supported)`);
    await new Promise<void>((done) => {
      process.once("SIGINT", done);
      process.once("SIGTERM", done);
    });
    await server.close();
    return 0;
  },
};
