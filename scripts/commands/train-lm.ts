import { existsSync } from "node:fs";
import { SingleBar } from "cli-progress";
import { trainLm } from "../../lib/ml/train/train-lm";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";

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
the checkpoint: every --checkpoint-every steps it is rewritten with optimizer.safetensors
and trainer_state.json. Running the same command again RESUMES automatically from an
unfinished checkpoint in DIR (same batches, same schedule); --overwrite starts over.

  --data FILE             training corpus (required)
  --out DIR               output model directory / checkpoint (required)
  --init DIR              start from this model directory
  --vocab-size N          tokenizer vocabulary for a new model (default 2048)
  --context N             window length, and n_positions of a new model (default 128)
  --d-model N             width (default 128)
  --layers N              blocks (default 4)
  --heads N               attention heads (default 4)
  --batch-size N          sequences per step (default 16)
  --steps N               optimizer steps (default 1000)
  --lr X                  peak learning rate (default 1e-3; warmup, then cosine to lr/10)
  --warmup-steps N        default min(100, steps/10)
  --weight-decay X        AdamW decoupled weight decay (default 0.1)
  --seed N                initialization and data order (default 0)
  --checkpoint-every N    steps between checkpoints (default 200)
  --overwrite             ignore an existing checkpoint in DIR`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      data: { type: "string" },
      out: { type: "string" },
      init: { type: "string" },
      "vocab-size": { type: "string" },
      context: { type: "string" },
      "d-model": { type: "string" },
      layers: { type: "string" },
      heads: { type: "string" },
      "batch-size": { type: "string" },
      steps: { type: "string" },
      lr: { type: "string" },
      "warmup-steps": { type: "string" },
      "weight-decay": { type: "string" },
      seed: { type: "string" },
      "checkpoint-every": { type: "string" },
      overwrite: { type: "boolean" },
    });
    const int = (flag: string, fallback?: number): number | undefined => {
      const raw = values[flag as keyof typeof values] as string | undefined;
      if (raw === undefined) return fallback;
      const n = numberFlag(raw, flag, 0);
      if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${flag}: expected a positive integer, got "${raw}"`);
      return n;
    };
    const dataPath = required(values.data, "data");
    if (!existsSync(dataPath)) throw new CliError(`--data: no such file: ${dataPath}`);
    const outDir = required(values.out, "out");
    const lr = values.lr === undefined ? undefined : numberFlag(values.lr, "lr", 0);
    if (lr !== undefined && !(lr > 0)) throw new CliError(`--lr: expected a positive number, got "${values.lr}"`);
    const weightDecay = values["weight-decay"] === undefined ? undefined : numberFlag(values["weight-decay"], "weight-decay", 0);
    const warmup = values["warmup-steps"] === undefined ? undefined : numberFlag(values["warmup-steps"], "warmup-steps", 0);

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
        vocabSize: int("vocab-size"),
        context: int("context"),
        dModel: int("d-model"),
        layers: int("layers"),
        heads: int("heads"),
        batchSize: int("batch-size"),
        steps: int("steps"),
        lr,
        warmupSteps: warmup,
        seed: values.seed === undefined ? undefined : numberFlag(values.seed, "seed", 0),
        checkpointEvery: int("checkpoint-every"),
        adamW: weightDecay === undefined ? undefined : { weightDecay },
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
