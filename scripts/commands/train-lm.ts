import { existsSync } from "node:fs";
import { SingleBar } from "cli-progress";
import { DEFAULT_LM_CONFIG, lmConfigSchema } from "../../lib/ml/train/lm-config";
import { trainLm } from "../../lib/ml/train/train-lm";
import { CliError, parseFlags, required, type Command } from "../cli";
import { configFlagHelp, configFlagOptions, configFromFlags, parseConfigFlags } from "../config-flags";

// The settings' flags, help lines and checks come from lm-config.ts. Fields without a fixed
// default (context, warmup) say in their help how the run derives them.
const SETTINGS_HELP = configFlagHelp(lmConfigSchema.shape, DEFAULT_LM_CONFIG).replaceAll(" (default undefined)", "");

export const command: Command = {
  name: "train-lm",
  summary: "Train a GPT-2 language model on a text or JSONL corpus (pretraining / continued training)",
  usage: `Usage: palate train-lm --data FILE --out DIR [--init DIR] [options]

Trains a GPT-2 (Hugging Face layout) on FILE: plain text, or JSONL with a "text" field per
line (documents are joined with <|endoftext|>). Without --init a byte-level BPE tokenizer
is trained on the corpus first and the weights start from GPT-2's initialization; with
--init DIR training continues from that model directory (its tokenizer and shape; the
shape flags below are then ignored).

DIR is written as a model directory (config.json, model.safetensors, tokenizer.json,
generation_config.json, model.onnx) that transformers' from_pretrained loads. It is also
the checkpoint: every --checkpoint-every steps it is rewritten with optimizer.safetensors,
trainer_state.json and metrics.jsonl (loss, grad_norm, lr, num_tokens per step). Running the
same command again RESUMES automatically from an unfinished checkpoint in DIR (same batches,
same schedule); --overwrite starts over. Ctrl-C stops after the current step and saves a
checkpoint.

  --data FILE                 training corpus (required)
  --out DIR                   output model directory / checkpoint (required)
  --init DIR                  start from this model directory
  --overwrite                 ignore an existing checkpoint in DIR
${SETTINGS_HELP}
  --lr X                      the same as --learning-rate`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      data: { type: "string" },
      out: { type: "string" },
      init: { type: "string" },
      overwrite: { type: "boolean" },
      lr: { type: "string" },
      ...configFlagOptions(lmConfigSchema.shape),
    });
    const dataPath = required(values.data, "data");
    if (!existsSync(dataPath)) throw new CliError(`--data: no such file: ${dataPath}`);
    const outDir = required(values.out, "out");
    const flags: Record<string, unknown> = { ...values };
    const viaAlias = values.lr !== undefined && flags["learning-rate"] === undefined;
    if (viaAlias) flags["learning-rate"] = values.lr;
    let config;
    try {
      config = parseConfigFlags(lmConfigSchema, configFromFlags(lmConfigSchema.shape, flags));
    } catch (err) {
      // Name the flag the user typed.
      if (viaAlias && err instanceof CliError) throw new CliError(err.message.replace(/^--learning-rate:/, "--lr:"));
      throw err;
    }

    const bar = new SingleBar({
      format: "train-lm |{bar}| {value}/{total} steps | loss {loss} | {tps} tok/s | lr {lr} | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 50,
    });
    let started = false;
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once("SIGINT", onSigint);
    try {
      const result = await trainLm({
        dataPath,
        outDir,
        initDir: values.init,
        config,
        overwrite: values.overwrite,
        signal: controller.signal,
        onProgress: (p) => {
          const payload = { loss: p.loss.toFixed(4), tps: Math.round(p.tokensPerSecond), lr: p.lr.toExponential(2) };
          if (!started) {
            if (p.resumedFrom !== undefined) console.log(`Resuming from the checkpoint at step ${p.resumedFrom} in ${outDir}`);
            bar.start(p.totalSteps, p.step - 1, payload);
            started = true;
          }
          bar.update(p.step, payload);
        },
      });
      if (started) bar.stop();
      const s = result.shape;
      if (result.cancelled) console.log(`Stopped at step ${result.steps}; checkpoint saved in ${outDir} (run again to resume).`);
      else if (result.resumedFrom === result.steps)
        console.log(`Nothing to do: ${outDir} already holds ${result.steps} steps (raise --steps to continue, or --overwrite to start over).`);
      else
        console.log(
          `Trained ${result.steps} steps (final loss ${result.finalLoss.toFixed(4)}); model in ${outDir} ` +
            `(vocab ${s.vocabSize}, d ${s.nEmbd}, ${s.nLayer} layers, ${s.nHead} heads, ${s.nPositions} positions).`,
        );
      return 0;
    } finally {
      process.off("SIGINT", onSigint);
      if (started) bar.stop();
    }
  },
};
