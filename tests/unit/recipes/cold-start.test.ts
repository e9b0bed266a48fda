// The cold-start demonstrations (lib/recipes/cold-start.ts) and palate cold-start-data: at most
// 500, the same for the same seed, every line read by the sft import's parser and scoring 1 on
// the format and accuracy rewards, within the default model's context, the held-out facts never
// taught; the CLI writes exactly that (and the held-out facts as qa prompts).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qaFacts, TEMPLATES } from "@/lib/default-model/sft-data";
import { parseQaLine } from "@/lib/datasets/qa-format";
import { parseSftLine } from "@/lib/datasets/sft-format";
import { encodeChat, Tokenizer } from "@/lib/ml/tokenizer";
import {
  arithmeticFacts,
  arithmeticSplit,
  coldStartAnswer,
  coldStartDemonstrations,
  coldStartSftLine,
  heldOutArithmetic,
  MAX_COLD_START,
  reasoningOf,
  subjectOf,
} from "@/lib/recipes/cold-start";
import { accuracy, format, referenceOf } from "@/lib/rewards";
import { projectRoot } from "@/scripts/server";
import { lastJson, palateInProcess } from "@/tests/helpers/cli";

/** Every "x op y = z" link of a reasoning chain, checked by evaluating both sides. */
function falseLinks(reasoning: string): string[] {
  const body = reasoning.replace(/^[^:]*:\s*/, "").replace(/\.$/, "");
  const bad: string[] = [];
  const evaluate = (expr: string) => {
    if (!/^[\d\s+\-*/]+$/.test(expr)) throw new Error(`not arithmetic: ${expr}`);
    return Function(`"use strict"; return (${expr});`)() as number;
  };
  for (const step of body.split(/,\s*/)) {
    const sides = step.split("=").map((s) => s.trim());
    for (let i = 1; i < sides.length; i++) if (evaluate(sides[i - 1]) !== evaluate(sides[i])) bad.push(step);
  }
  return bad;
}

describe("the arithmetic facts", () => {
  it("are exactly the default model's arithmetic subjects and results", () => {
    const theirs = qaFacts({ definitions: 0 })
      .filter((f) => f.category === "arithmetic")
      .map((f) => `${f.subject} = ${f.expected}`);
    const ours = arithmeticFacts().map((f) => `${subjectOf(f)} = ${f.result}`);
    expect(ours).toEqual(theirs);
    expect(ours).toHaveLength(841);
  });

  it("split into a fixed held-out fifth of each operation and the rest", () => {
    const { train, heldOut } = arithmeticSplit();
    expect(train.length + heldOut.length).toBe(841);
    for (const [op, n] of [
      ["+", 441],
      ["-", 231],
      ["*", 169],
    ] as const) {
      expect(heldOut.filter((f) => f.op === op).length).toBe(Math.round(n * 0.2));
    }
    const trainKeys = new Set(train.map(subjectOf));
    expect(heldOut.some((f) => trainKeys.has(subjectOf(f)))).toBe(false);
    expect(heldOutArithmetic()).toEqual(heldOut);
  });
});

describe("the reasoning", () => {
  it("is true at every step for every fact, and ends on the result", () => {
    const wrong: string[] = [];
    for (const f of arithmeticFacts()) {
      const r = reasoningOf(f);
      const bad = falseLinks(r);
      if (bad.length > 0) wrong.push(`${subjectOf(f)}: ${bad.join("; ")}`);
      if (!r.endsWith(` ${f.result}.`)) wrong.push(`${subjectOf(f)} ends "${r}"`);
    }
    expect(wrong).toEqual([]);
  });

  it("reads as in the examples", () => {
    expect(coldStartAnswer({ a: 17, op: "+", b: 8, result: 25 })).toBe("<think>17 + 8: 17 + 3 = 20, 20 + 5 = 25.</think><answer>25</answer>");
    expect(reasoningOf({ a: 20, op: "-", b: 13, result: 7 })).toBe("20 - 13: 20 - 10 = 10, 10 - 3 = 7.");
    expect(reasoningOf({ a: 7, op: "*", b: 8, result: 56 })).toBe("7 * 8 = 7 * 10 - 7 * 2 = 70 - 14 = 56.");
    expect(reasoningOf({ a: 12, op: "*", b: 11, result: 132 })).toBe("12 * 11 = 12 * 10 + 12 * 1 = 120 + 12 = 132.");
    expect(reasoningOf({ a: 3, op: "+", b: 4, result: 7 })).toBe("3 + 4 = 7.");
    expect(coldStartAnswer({ a: 17, op: "+", b: 8, result: 25 }, "equation")).toBe("<think>17 + 8 = 25.</think><answer>25</answer>");
    expect(reasoningOf({ a: 7, op: "*", b: 8, result: 56 }, "equation")).toBe("7 * 8 = 56.");
  });
});

describe("coldStartDemonstrations", () => {
  const demos = coldStartDemonstrations();

  it("holds at most 500, by default 500, spread over the operations in proportion", () => {
    expect(MAX_COLD_START).toBe(500);
    expect(demos).toHaveLength(500);
    const ops = { "+": 0, "-": 0, "*": 0 };
    for (const d of demos) ops[d.fact.op]++;
    // 673 facts outside the held-out set: 353 +, 185 -, 135 * → 262.3, 137.4, 100.3 (largest remainder to -).
    expect(ops).toEqual({ "+": 262, "-": 138, "*": 100 });
    expect(new Set(demos.map((d) => subjectOf(d.fact))).size).toBe(500);
    expect(() => coldStartDemonstrations({ count: 501 })).toThrow(/count/);
    expect(() => coldStartDemonstrations({ count: 0 })).toThrow(/count/);
    expect(coldStartDemonstrations({ count: 7 })).toHaveLength(7);
  });

  it("is the same for the same seed and differs for another", () => {
    expect(coldStartDemonstrations({ seed: 3 })).toEqual(coldStartDemonstrations({ seed: 3 }));
    const other = coldStartDemonstrations({ seed: 4 }).map((d) => d.question);
    expect(other).not.toEqual(coldStartDemonstrations({ seed: 3 }).map((d) => d.question));
  });

  it("the equation style asks the same facts in the same templates, only the reasoning differs", () => {
    const eq = coldStartDemonstrations({ style: "equation" });
    expect(eq.map((d) => d.question)).toEqual(demos.map((d) => d.question));
    for (const d of eq) expect(d.answer).toBe(`<think>${subjectOf(d.fact)} = ${d.fact.result}.</think><answer>${d.fact.result}</answer>`);
  });

  it("never teaches a held-out fact, whatever the seed", () => {
    const held = new Set(heldOutArithmetic().map(subjectOf));
    for (const seed of [0, 1, 2, 99]) {
      // The subject as the question asks it, not only the fact it was made from.
      const taught = coldStartDemonstrations({ seed }).filter((d) => held.has(subjectOf(d.fact)) || held.has(/\d+ [-+*] \d+/.exec(d.question)?.[0] ?? ""));
      expect(taught).toEqual([]);
    }
  });

  it("asks in the default model's training templates only", () => {
    const training = TEMPLATES.arithmetic.filter((t) => !t.heldOut).map((t) => t.text);
    const used = new Set(demos.map((d) => training.find((t) => t.replace("{x}", subjectOf(d.fact)) === d.question)));
    expect(used.has(undefined)).toBe(false);
    expect(used.size).toBe(training.length);
  });

  it("every line is the sft import's shape and scores 1 on format and accuracy against its reference", () => {
    for (const d of demos) {
      const line = JSON.parse(JSON.stringify(coldStartSftLine(d))) as unknown;
      const parsed = parseSftLine(line);
      if ("error" in parsed) throw new Error(parsed.error);
      const reference = referenceOf(parsed.record.metadata);
      expect(reference).toBe(String(d.fact.result));
      expect(format(d.question, parsed.record.demonstration)).toBe(1);
      expect(accuracy(d.question, parsed.record.demonstration, reference)).toBe(1);
      // A wrong reference scores 0: the answer is the number, not any number.
      expect(accuracy(d.question, parsed.record.demonstration, String(d.fact.result + 1))).toBe(0);
    }
  });

  it("fits the default model's context: prompt and answer within 100 tokens of its tokenizer", async () => {
    const tokenizer = await Tokenizer.load(join(projectRoot, "models", "default-sft"));
    const lengths = demos.map((d) => encodeChat(tokenizer, coldStartSftLine(d).messages).ids.length);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(100);
  });
});

describe("palate cold-start-data", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cold-start-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the demonstrations and the held-out prompts; the last line is JSON", async () => {
    const out = join(dir, "sub", "cold.jsonl");
    const heldOut = join(dir, "held.jsonl");
    const run = await palateInProcess(null, ["cold-start-data", "--out", out, "--count", "40", "--seed", "5", "--held-out", heldOut]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary).toMatchObject({ demonstrations: 40, seed: 5, held_out: 168 });
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      coldStartDemonstrations({ count: 40, seed: 5 }).map((d) => JSON.parse(JSON.stringify(coldStartSftLine(d)))),
    );
    const held = readFileSync(heldOut, "utf8").trim().split("\n");
    expect(held).toHaveLength(168);
    const prompts = held.map((l) => {
      const parsed = parseQaLine(JSON.parse(l));
      if ("error" in parsed) throw new Error(parsed.error);
      return parsed.record;
    });
    const facts = heldOutArithmetic();
    prompts.forEach((p, i) => {
      expect(referenceOf(p.metadata)).toBe(String(facts[i].result));
      expect(p.messages[0].content).toContain(subjectOf(facts[i]));
    });
  });

  it("names a bad --count and a missing --out", async () => {
    const tooMany = await palateInProcess(null, ["cold-start-data", "--out", join(dir, "x.jsonl"), "--count", "501"]);
    expect(tooMany.status).toBe(1);
    expect(tooMany.stderr).toMatch(/--count: expected an integer from 1 to 500/);
    const missing = await palateInProcess(null, ["cold-start-data"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/--out is required/);
  });
});
