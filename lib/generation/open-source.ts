// A registry entry → its completion source. Endpoint entries may set `metadata.endpoint` to
// "completions" to use /v1/completions (the prompt rendered with the chat template) instead
// of /v1/chat/completions.
import { existsSync } from "node:fs";
import { join } from "node:path";
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
  return new OpenAiSource({ baseUrl: row.baseUrl, remoteModel: row.remoteModel, modelName: row.name, apiKey: row.apiKey, endpoint, ...extra });
}
