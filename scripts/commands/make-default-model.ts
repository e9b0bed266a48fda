import { SingleBar } from "cli-progress";
import { DEFAULT_MODEL_CONFIG, TINY_MODEL_CONFIG, type DefaultModelConfig } from "../../lib/default-model/config";
import { formatEvalTable } from "../../lib/default-model/eval-qa";
import { makeDefaultModel, type Stage } from "../../lib/default-model/make";
import { QA_CATEGORIES, type QaCategory } from "../../lib/default-model/sft-data";
import { CliError, numberFlag, parseFlags, type Command } from "../cli";

const STAGE_LABELS: Record<Stage, string> = {
  pretrain: "pretrain ",
  sft: "sft      ",
  "eval-base": "eval base",
  "eval-sft": "eval sft ",
};

export const command: Command = {
  name: "make-default-model",
  summary: "Build the embedded default model from scratch: pretraining (default-base), then SFT (default-sft)",
  usage: `Usage: palate make-default-model [options]

Builds the default models deterministically (fixed seeds, one thread per operator):
  1. a pretraining corpus from npm packages (Moby-Dick, State of the Union addresses,
     WordNet glosses, a country gazetteer), a byte-level BPE tokenizer and a small GPT-2
     pretrained on it → --base-dir;
  2. SFT on generated question/answer demonstrations in the chat template (capitals,
     continents, languages, currencies, definitions, arithmetic; loss on answers only)
     → --sft-dir;
  3. eval-qa of both, and MODEL_CARD.md + eval_qa.json in both directories.
The pretraining checkpoint (optimizer state included) stays in --work-dir.

  --base-dir DIR       default models/default-base
  --sft-dir DIR        default models/default-sft
  --work-dir DIR       scratch space (default tmp/default-model)
  --resume             continue pretraining from the checkpoint in --work-dir
  --pretrain-steps N   override the pretraining steps (default ${DEFAULT_MODEL_CONFIG.pretrain.steps})
  --sft-steps N        override the SFT steps (default ${DEFAULT_MODEL_CONFIG.sft.steps})
  --sft-repeats C=N,…  teach category C in N passes (e.g. arithmetic=3; default once each)
  --tiny               a tiny configuration for smoke tests (seconds)`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      "base-dir": { type: "string" },
      "sft-dir": { type: "string" },
      "work-dir": { type: "string" },
      resume: { type: "boolean" },
      "pretrain-steps": { type: "string" },
      "sft-steps": { type: "string" },
      "sft-repeats": { type: "string" },
      tiny: { type: "boolean" },
    });
    const steps = (flag: "pretrain-steps" | "sft-steps", fallback: number) => {
      const n = numberFlag(values[flag], flag, fallback);
      if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${flag}: expected a positive integer, got "${values[flag]}"`);
      return n;
    };
    const preset = values.tiny ? TINY_MODEL_CONFIG : DEFAULT_MODEL_CONFIG;
    const config: DefaultModelConfig = {
      ...preset,
      pretrain: { ...preset.pretrain, steps: steps("pretrain-steps", preset.pretrain.steps) },
      sft: { ...preset.sft, steps: steps("sft-steps", preset.sft.steps), ...(values["sft-repeats"] ? { repeats: parseRepeats(values["sft-repeats"]) } : {}) },
    };

    let bar: SingleBar | null = null;
    let stage: Stage | null = null;
    try {
      const report = await makeDefaultModel({
        config,
        baseDir: values["base-dir"] ?? "models/default-base",
        sftDir: values["sft-dir"] ?? "models/default-sft",
        workDir: values["work-dir"] ?? "tmp/default-model",
        resume: values.resume,
        onLog: (line) => {
          if (bar) bar.stop();
          bar = null;
          stage = null;
          console.log(line);
        },
        onProgress: (p) => {
          const payload = { loss: p.loss === undefined ? "" : `| loss ${p.loss.toFixed(4)}` };
          if (stage !== p.stage) {
            bar?.stop();
            bar = new SingleBar({ format: `${STAGE_LABELS[p.stage]} |{bar}| {value}/{total} {loss} | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50 });
            bar.start(p.total, p.value, payload);
            stage = p.stage;
          } else bar?.update(p.value, payload);
        },
      });
      (bar as SingleBar | null)?.stop();
      bar = null;
      console.log("");
      console.log(formatEvalTable([report.eval.base, report.eval.sft], ["base", "SFT"]));
      console.log(
        `\nDone in ${(report.totalSeconds / 60).toFixed(1)} min: pretraining final loss ${report.pretrain.finalLoss.toFixed(4)}, ` +
          `SFT final loss ${report.sft.finalLoss.toFixed(4)}.`,
      );
      return 0;
    } finally {
      (bar as SingleBar | null)?.stop();
    }
  },
};

/** "arithmetic=3,definition=2" → { arithmetic: 3, definition: 2 }. */
function parseRepeats(text: string): Partial<Record<QaCategory, number>> {
  const out: Partial<Record<QaCategory, number>> = {};
  for (const part of text.split(",").map((s) => s.trim())) {
    const [category, n] = part.split("=").map((s) => s.trim());
    if (!(QA_CATEGORIES as readonly string[]).includes(category))
      throw new CliError(`--sft-repeats: unknown category "${category}" (one of ${QA_CATEGORIES.join(", ")})`);
    const count = Number(n);
    if (!Number.isInteger(count) || count < 1) throw new CliError(`--sft-repeats: ${category} needs a whole number of passes ≥ 1, got "${n ?? ""}"`);
    out[category as QaCategory] = count;
  }
  return out;
}
