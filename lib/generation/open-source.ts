// A registry entry → its completion source. Endpoint entries may set `metadata.endpoint` to
// "completions" to use /v1/completions (the prompt rendered with the chat template) instead
// of /v1/chat/completions. The API key is resolved here, in the process that calls the endpoint
// (decrypted, or read from the environment variable it names), and the endpoint's host is checked
// against the addresses DNS gives for it now (no link-local or metadata address).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { resolveApiKey } from "../models/api-key";
import { checkEndpointAddresses } from "../models/endpoint-url";
import { modelDir, type ModelRow } from "../models/registry";
import { OpenAiSource, type OpenAiSourceOptions } from "./openai-source";
import { PalateSource } from "./palate-source";
import type { CompletionSource } from "./source";

export async function openCompletionSource(row: ModelRow, extra: Pick<OpenAiSourceOptions, "onRetry" | "policy"> = {}): Promise<CompletionSource> {
  if (row.source === "palate") {
    const dir = modelDir(row);
    if (!existsSync(join(dir, "config.json"))) throw new Error(`model "${row.name}": no model directory at ${dir}`);
    return PalateSource.open(dir, row.name);
  }
  if (!row.baseUrl || !row.remoteModel) throw new Error(`model "${row.name}": an endpoint entry needs a base URL and a remote model name`);
  const endpoint = row.metadata?.endpoint === "completions" ? "completions" : "chat";
  const apiKey = resolveApiKey(row);
  await checkEndpointAddresses(row.baseUrl).catch((err: Error) => {
    throw new Error(`model "${row.name}": ${err.message}`);
  });
  return new OpenAiSource({ baseUrl: row.baseUrl, remoteModel: row.remoteModel, modelName: row.name, apiKey, endpoint, ...extra });
}
