import { loadLanguageModel, openSession } from "../../lib/ml/nn/language-model";
import { CliError, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "logprobs",
  summary: "Print a model's per-token log-probabilities of a text as JSON",
  usage: `Usage: palate logprobs --model DIR --text "..."

Tokenizes the text with DIR's tokenizer (no special tokens added) and prints one JSON
object: {"ids": [...], "tokens": [...], "logprobs": [...]} where logprobs[i] is
log p(ids[i+1] | ids[0..i]) under the model (so it has one entry fewer than ids). The
same numbers come from transformers:
  log_softmax(GPT2LMHeadModel.from_pretrained(DIR)(ids).logits, -1)[i, ids[i+1]]

  --model DIR   model directory (config.json, model.safetensors, tokenizer.json)
  --text TEXT   the text to score`,
  async run(argv) {
    const { values } = parseFlags(argv, { model: { type: "string" }, text: { type: "string" } });
    const dir = required(values.model, "model");
    const text = values.text;
    if (text === undefined) throw new CliError("--text is required");
    const model = await loadLanguageModel(dir);
    if (!model.tokenizer) throw new CliError(`${dir} has no tokenizer.json`);
    const ids = model.tokenizer.encode(text);
    const tokens = ids.map((id) => model.tokenizer!.idToToken(id) ?? "");
    const session = await openSession(model);
    const logprobs = await session.tokenLogprobs(ids);
    await session.release();
    console.log(JSON.stringify({ ids, tokens, logprobs }));
    return 0;
  },
};
