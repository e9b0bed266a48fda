import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  coldStartDemonstrations,
  coldStartSftLine,
  heldOutArithmetic,
  heldOutQaLine,
  HELD_OUT_FRACTION,
  MAX_COLD_START,
  REASONING_STYLES,
  type ReasoningStyle,
} from "../../lib/recipes/cold-start";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "cold-start-data",
  summary: "Write R1-style cold-start demonstrations (<think>…</think><answer>…</answer> arithmetic) as a TRL SFT file",
  usage: `Usage: palate cold-start-data --out FILE.jsonl [--count N] [--seed S] [--style steps|equation] [--held-out FILE.jsonl]

Writes DeepSeek-R1's "cold start" in miniature: at most ${MAX_COLD_START} written-out demonstrations of the
default model's arithmetic (a + b and a - b with a, b ≤ 20, a ≥ b for -, a * b with a, b ≤ 12),
asked in its training question templates and answered as
<think>short true steps</think><answer>the number</answer>, one TRL conversational SFT line each
({"messages": [user, assistant], "metadata": {"reference": "25"}}), which palate import --format
sft or palate sft --file reads; every line scores 1 on the format and accuracy rewards.
A fixed ${Math.round(HELD_OUT_FRACTION * 100)}% of each operation's facts (the same whatever --count and --seed) never
appears in the file: --held-out writes them as qa prompt lines ({"prompt", "answer"}) for a
later GRPO evaluation on facts the cold start never taught. The last line printed is JSON.

  --out FILE.jsonl        where to write the demonstrations
  --count N               how many demonstrations, 1 to ${MAX_COLD_START} (default ${MAX_COLD_START})
  --seed S                which facts are taught and in which template (default 0)
  --style steps|equation  steps: short true steps by tens ("17 + 8: 17 + 3 = 20, 20 + 5 = 25.");
                          equation: the question restated as its equation ("17 + 8 = 25."), the
                          form the default SFT data answers in (default steps)
  --held-out FILE.jsonl   also write the held-out facts as qa prompts (palate import --format qa)`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      out: { type: "string" },
      count: { type: "string" },
      seed: { type: "string" },
      style: { type: "string" },
      "held-out": { type: "string" },
    });
    const out = resolve(required(values.out, "out"));
    const count = numberFlag(values.count, "count", MAX_COLD_START);
    if (!Number.isInteger(count) || count < 1 || count > MAX_COLD_START)
      throw new CliError(`--count: expected an integer from 1 to ${MAX_COLD_START}, got ${values.count}`);
    const seed = numberFlag(values.seed, "seed", 0);
    if (!Number.isInteger(seed) || seed < 0) throw new CliError(`--seed: expected an integer of at least 0, got ${values.seed}`);

    const style = (values.style ?? "steps") as ReasoningStyle;
    if (!REASONING_STYLES.includes(style)) throw new CliError(`--style: expected ${REASONING_STYLES.join(" or ")}, got "${values.style}"`);

    const demonstrations = coldStartDemonstrations({ count, seed, style });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, demonstrations.map((d) => JSON.stringify(coldStartSftLine(d)) + "\n").join(""));
    const counts = { "+": 0, "-": 0, "*": 0 };
    for (const d of demonstrations) counts[d.fact.op]++;
    const heldOut = heldOutArithmetic();
    let heldOutPath: string | null = null;
    if (values["held-out"] !== undefined) {
      heldOutPath = resolve(required(values["held-out"], "held-out"));
      mkdirSync(dirname(heldOutPath), { recursive: true });
      writeFileSync(heldOutPath, heldOut.map((f, i) => JSON.stringify(heldOutQaLine(f, i)) + "\n").join(""));
    }
    console.log(
      `${demonstrations.length} demonstrations (${counts["+"]} +, ${counts["-"]} -, ${counts["*"]} *) written to ${out}; ` +
        `${heldOut.length} facts held out${heldOutPath ? ` (written to ${heldOutPath})` : ""}.`,
    );
    console.log(
      JSON.stringify({
        out,
        demonstrations: demonstrations.length,
        by_operation: counts,
        seed,
        style,
        held_out: heldOut.length,
        ...(heldOutPath ? { held_out_file: heldOutPath } : {}),
      }),
    );
    return 0;
  },
};
