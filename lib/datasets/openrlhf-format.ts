// The `openrlhf` import format: the rows OpenRLHF's reward-model and DPO trainers read
// (openrlhf/datasets/reward_dataset.py: `--chosen_key` default "chosen", `--rejected_key`
// default "rejected", an optional `--prompt_key`, an optional numeric `margin` column, and
// `--apply_chat_template` for message lists):
//
// - chat, whole conversations (OpenRLHF's own preference datasets; what Palate exports):
//     {"chosen": [{"role": "user", …}, {"role": "assistant", …}], "rejected": [… same prompt, other answer]}
// - chat, with a prompt key: {"prompt": [messages], "chosen": [{"role": "assistant", …}], "rejected": […]}
// - text, with a prompt key: {"prompt": "…", "chosen": "…", "rejected": "…"} (OpenRLHF appends
//   chosen/rejected to the prompt)
//
// The prompt key may be `prompt` or `input` (OpenRLHF's input_key); the rejected key `rejected`
// or `reject` (the column name OpenRLHF's dataset uses internally); never both spellings in one
// row. `margin`, when present, must be a number and is kept in the prompt's metadata
// (`{"margin": …}`) and as the imported ranking's strength (`ImportRecord.strength`, exported
// back as `margin`: pair-margin.ts). Each row is a task with two completions ranked chosen > rejected, read as a
// `trl` row is (trl-format.ts: one assistant message per side; the prompt of whole conversations
// is their shared leading messages). Other keys are ignored.
import { kindOf, type LineParser } from "./record";
import { parseTrlLine } from "./trl-format";

/** The spellings accepted for each field, the first being Palate's. */
const KEYS = { prompt: ["prompt", "input"], chosen: ["chosen"], rejected: ["rejected", "reject"] } as const;

export const parseOpenRlhfLine: LineParser = (value) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "expected a JSON object" };
  const row = value as Record<string, unknown>;
  const normalized: Record<string, unknown> = {};
  const spelled: Record<string, string> = {};
  for (const [field, spellings] of Object.entries(KEYS)) {
    const present = spellings.filter((k) => row[k] !== undefined);
    if (present.length > 1) return { error: `${present[1]}: give either "${present[0]}" or "${present[1]}", not both` };
    if (present.length === 1) {
      normalized[field] = row[present[0]];
      spelled[field] = present[0];
    }
  }
  const margin = row.margin;
  if (margin !== undefined && margin !== null && (typeof margin !== "number" || !Number.isFinite(margin)))
    return { error: `margin: expected a number, got ${kindOf(margin)}` };
  const parsed = parseTrlLine(normalized);
  if ("error" in parsed) {
    // Name the field as the row spells it.
    const error = parsed.error.replace(/^(prompt|rejected)(?=[\s:.[(]|$)/, (field) => spelled[field] ?? field);
    return { error };
  }
  if (typeof margin === "number")
    for (const record of parsed.records) {
      record.promptMetadata = { ...record.promptMetadata, margin };
      record.strength = margin;
    }
  return parsed;
};
