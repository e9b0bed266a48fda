// Fuzzing every import format (issue 11, measured point 3), with fast-check.
//
// For each format registered in LINE_PARSERS (so a new format is fuzzed without touching this
// file), lines are generated three ways: arbitrary text, arbitrary JSON values, and valid lines
// of the format put through structured mutations (a field dropped, a value of the wrong type,
// an unknown field, a huge string, nesting 100k levels deep, unicode, NUL, lone surrogates) and
// byte-level ones (truncated, a raw NUL or invalid UTF-8 byte, a BOM, CRLF endings, blank lines).
//
// Properties:
// - parsing a line never throws: it gives records, nothing (blank) or a line error of bounded size;
//   records are what the staging writes (JSON-serialisable, two completions or more, rankings
//   pointing at the record's completions);
// - importFile through the real import path on a real SQLite file never throws; a file with any
//   bad line imports nothing and leaves every table unchanged (row counts and a hash of every
//   table's rows), and reports exactly the bad lines; a file of valid lines imports them all.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { importFile } from "@/lib/datasets/import";
import { ensureProject } from "@/lib/projects";
import { LINE_PARSERS, parseImportLine } from "@/lib/datasets/import-formats";
import { fileLines, type Line } from "@/lib/datasets/lines";
import type { ImportFormat } from "@/lib/datasets/record";
import { tempDb } from "@/tests/helpers/app";
import { snapshotConnection, snapshotDiff } from "@/tests/helpers/db-snapshot";
import { DEEP, HUGE, mutatedText, runs } from "./mutations";

const FORMATS = Object.keys(LINE_PARSERS) as ImportFormat[];
/** A line error longer than this is itself a fault: 100 of them go back in one answer. */
const MAX_ERROR_CHARS = 2000;

// ---------------------------------------------------------------------------------------------
// Valid lines, one arbitrary per format. A format added to LINE_PARSERS without one here fails
// the "every format has a generator" test below.

const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });
const anyText = fc.oneof(text, fc.string({ unit: "binary", maxLength: 12 }), fc.constant(""));
const smallMetadata = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), text, fc.boolean(), fc.constant(null)), { maxKeys: 3 });

const palateLine = fc.oneof(
  fc.record(
    {
      prompt: text,
      completions: fc.array(fc.oneof(anyText, fc.record({ text: anyText, model: fc.option(text) }, { requiredKeys: ["text"] })), {
        minLength: 2,
        maxLength: 4,
      }),
      id: fc.oneof(text, fc.integer()),
      metadata: smallMetadata,
    },
    { requiredKeys: ["prompt", "completions"] },
  ),
  fc.record({
    messages: fc.array(fc.record({ role: fc.constantFrom("system", "user", "assistant"), content: anyText }), { minLength: 1, maxLength: 3 }),
    completions: fc.array(anyText, { minLength: 2, maxLength: 3 }),
  }),
);

const user = (content: string) => ({ role: "user", content });
const assistant = (content: string) => ({ role: "assistant", content });
const trlLine = fc.oneof(
  fc.record({ prompt: text, chosen: anyText, rejected: anyText }),
  fc.record({
    prompt: fc.array(text.map(user), { minLength: 1, maxLength: 2 }),
    chosen: anyText.map((c) => [assistant(c)]),
    rejected: anyText.map((c) => [assistant(c)]),
  }),
  fc.tuple(text, text, text).map(([p, c, r]) => ({ chosen: [user(p), assistant(c)], rejected: [user(p), assistant(`${r}!`)] })),
);

const oasstReply = (rank: fc.Arbitrary<number | null>) =>
  fc.record(
    { message_id: text, text: anyText, role: fc.constant("assistant"), rank, synthetic: fc.boolean(), model_name: fc.option(text), deleted: fc.boolean() },
    { requiredKeys: ["message_id", "text", "role"] },
  );
const oasstLine = fc.record({
  message_tree_id: text,
  prompt: fc.record({
    message_id: text,
    text: anyText,
    role: fc.constant("prompter"),
    lang: fc.constantFrom("en", "de", null),
    replies: fc.array(oasstReply(fc.option(fc.nat(4))), { minLength: 2, maxLength: 4 }),
  }),
});

// A serial in each prompt keeps generated lines apart: `rankings` lines with the same prompt and
// completion texts are one task (and the same annotator twice on it is a line error).
let rankingsSerial = 0;
const rankingsLine = fc
  .record({
    prompt: fc.oneof(text, fc.array(text.map(user), { minLength: 1, maxLength: 2 })),
    texts: fc.array(anyText, { minLength: 2, maxLength: 4 }),
    annotator: text.filter((name) => name.trim() !== ""),
    tied: fc.boolean(),
    none: fc.boolean(),
  })
  .map(({ prompt, texts, annotator, tied, none }) => {
    const serial = ++rankingsSerial;
    const completions = texts.map((t, i) => ({ id: i + 1, text: t }));
    const ids = completions.map((c) => c.id).reverse();
    return {
      prompt: typeof prompt === "string" ? `${prompt} #${serial}` : [...prompt, user(`#${serial}`)],
      completions,
      groups: tied ? [ids.slice(0, 2), ...ids.slice(2).map((id) => [id])] : ids.map((id) => [id]),
      annotator,
      none_acceptable: none,
    };
  });
const hhLine = fc
  .tuple(text, anyText, anyText)
  .map(([p, c, r]) => ({ chosen: `\n\nHuman: ${p}\n\nAssistant: ${c}`, rejected: `\n\nHuman: ${p}\n\nAssistant: ${r}` }));
const openrlhfLine = fc.oneof(
  fc
    .tuple(text, text, text, fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })))
    .map(([p, c, r, margin]) => ({ chosen: [user(p), assistant(c)], rejected: [user(p), assistant(`${r}!`)], margin })),
  fc.record({ input: text, chosen: anyText, reject: anyText }),
);

const VALID: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  palate: palateLine,
  trl: trlLine,
  oasst: oasstLine,
  rankings: rankingsLine,
  hh: hhLine,
  openrlhf: openrlhfLine,
};

/** Arbitrary line text: anything, JSON values, and mutated valid lines. */
function lineText(format: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.json({ maxDepth: 4 }),
    mutatedText(VALID[format]),
    mutatedText(VALID[format]),
  );
}

/** A generated line's bytes; printed short in a counterexample (a 100k-deep line would flood the report). */
class FuzzLine {
  constructor(readonly bytes: Buffer) {}
  [fc.toStringMethod](): string {
    const text = this.bytes.toString("utf8");
    return `FuzzLine(${this.bytes.length} bytes: ${JSON.stringify(text.length > 300 ? `${text.slice(0, 150)}…${text.slice(-150)}` : text)})`;
  }
}

/** A line's bytes, sometimes mangled below the JSON level. */
function lineBytes(textArb: fc.Arbitrary<string>): fc.Arbitrary<FuzzLine> {
  return fc.tuple(textArb, fc.nat(), fc.constantFrom("none", "none", "truncate", "nul", "badUtf8", "bom")).map(([t, at, how]) => {
    const b = Buffer.from(t, "utf8");
    const i = b.length === 0 ? 0 : at % b.length;
    switch (how) {
      case "truncate":
        return new FuzzLine(b.subarray(0, i));
      case "nul":
        return new FuzzLine(Buffer.concat([b.subarray(0, i), Buffer.from([0]), b.subarray(i)]));
      case "badUtf8":
        return new FuzzLine(Buffer.concat([b.subarray(0, i), Buffer.from([0xc3, 0x28, 0xff]), b.subarray(i)]));
      case "bom":
        return new FuzzLine(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]));
      default:
        return new FuzzLine(b);
    }
  });
}

// ---------------------------------------------------------------------------------------------

/** Lets the event loop run between properties' runs (vitest's worker answers its runner there; a long synchronous loop times it out). */
const breath = () => new Promise<void>((resolve) => setImmediate(resolve));

function checkParse(format: ImportFormat, text: string): "blank" | "error" | "records" {
  const parsed = parseImportLine(format, { line: 1, text });
  if (parsed === null) {
    expect(text.trim()).toBe("");
    return "blank";
  }
  if ("error" in parsed) {
    expect(typeof parsed.error).toBe("string");
    expect(parsed.error.length).toBeGreaterThan(0);
    expect(parsed.error.length, `error message of ${parsed.error.length} chars: ${parsed.error.slice(0, 200)}…`).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    return "error";
  }
  for (const record of parsed.records) {
    // What the staging writes must serialise (a 100k-deep metadata object does not).
    expect(() => JSON.stringify(record)).not.toThrow();
    expect(record.messages.length).toBeGreaterThan(0);
    expect(record.completions.length).toBeGreaterThanOrEqual(2);
    if (record.ranking) {
      const members = record.ranking.flat().sort((a, b) => a - b);
      expect(members).toEqual(record.completions.map((_, i) => i));
    }
  }
  return "records";
}

describe("import formats under fuzzing", () => {
  let temp: ReturnType<typeof tempDb>;
  let db: Connection;
  const existing = "fuzz-existing";
  beforeAll(() => {
    temp = tempDb();
    db = temp.db;
    ensureProject(db, existing);
  });
  afterAll(() => temp?.cleanup());

  /** The first line of a file as importFile reads it (fileLines: BOM, CRLF, UTF-8 checks). */
  function firstLineOf(path: string): Line | undefined {
    for (const line of fileLines(path)) return line;
    return undefined;
  }

  it("every registered format has a valid-line generator here", () => {
    expect(FORMATS.length).toBeGreaterThanOrEqual(3);
    expect(FORMATS.filter((f) => !VALID[f])).toEqual([]);
  });

  it("the valid-line generators make valid lines (so the mutations start from something real)", () => {
    for (const format of FORMATS) {
      fc.assert(
        fc.property(VALID[format], (value) => {
          expect(checkParse(format, JSON.stringify(value))).toBe("records");
        }),
        { numRuns: runs(100) },
      );
    }
  });

  it("the faults fuzzing found stay line errors: deep metadata, deep or huge values where a choice is expected, huge unknown keys", () => {
    const deep = (open: string, close: string, inner = "1") => open.repeat(DEEP) + inner + close.repeat(DEEP);
    const cases: [ImportFormat, string, RegExp][] = [
      // Parsed fine, then overflowed JSON.stringify when staged (importFile threw: a 500 from the route).
      ["palate", `{"prompt":"p","completions":["a","b"],"metadata":{"x":${deep('{"a":', "}")}}}`, /^metadata: nested deeper than 32 levels$/],
      ["palate", `{"prompt":"p","completions":["a",{"text":"b","metadata":${deep("[", "]", "")}}]}`, /^completions\[1\]\.metadata/],
      // The error message quoted the value with JSON.stringify: a stack overflow, or a 100k-character message.
      ["trl", `{"prompt":[{"role":${deep('{"a":', "}")},"content":"c"}],"chosen":[],"rejected":[]}`, /^prompt\[0\]\.role: expected one of .*, got object$/],
      [
        "oasst",
        `{"prompt":{"message_id":"m","text":"t","role":"${"x".repeat(HUGE)}"}}`,
        /^prompt\.role: expected one of "prompter", "assistant", got "x{60}"… \(100000 characters\)$/,
      ],
      [
        "palate",
        `{"prompt":"p","completions":["a","b"],"${"k".repeat(HUGE)}":1,"b":2,"c":3,"d":4}`,
        /^unknown fields "k{60}"… \(100000 characters\), "b", "c" and 1 more$/,
      ],
    ];
    for (const [format, line, error] of cases) {
      const path = join(temp.dir, "known.jsonl");
      // Line 1 blank, so the error names line 2.
      writeFileSync(path, `\n${line}\n`);
      const before = snapshotConnection(db.$client);
      const report = importFile(db, path, format, { projectName: "fuzz-known-never" });
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0].line).toBe(2);
      expect(report.errors[0].message).toMatch(error);
      expect(report.imported).toEqual({ tasks: 0, rankings: 0 });
      expect(snapshotDiff(before, snapshotConnection(db.$client))).toEqual([]);
    }
  });

  for (const format of FORMATS) {
    it(`${format}: parsing any line never throws, and gives records, nothing or a bounded line error`, async () => {
      await fc.assert(
        fc.asyncProperty(lineBytes(lineText(format)), async ({ bytes }) => {
          await breath();
          // Through the real splitter, so BOM, CRLF and invalid UTF-8 are handled as a file's would be.
          const path = join(temp.dir, `parse-${format}.jsonl`);
          writeFileSync(path, bytes);
          const line = firstLineOf(path);
          if (line === undefined || line.error !== undefined) return;
          checkParse(format, line.text);
        }),
        { numRuns: runs(100) },
      );
    });
  }

  for (const format of FORMATS) {
    it(`${format}: a file with any bad line imports nothing and leaves every table unchanged; a valid file imports every line`, async () => {
      const validLine = VALID[format].map((v) => new FuzzLine(Buffer.from(JSON.stringify(v), "utf8")));
      const blank = fc.constantFrom(new FuzzLine(Buffer.alloc(0)), new FuzzLine(Buffer.from("   \t")));
      const anyLine = fc.oneof(validLine, lineBytes(lineText(format)), blank);
      let files = 0;
      let bad = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(anyLine, { minLength: 1, maxLength: 8 }),
          fc.constantFrom("\n", "\r\n"),
          fc.boolean(),
          fc.boolean(),
          async (lines, eol, bom, finalEol) => {
            await breath();
            const path = join(temp.dir, `import-${format}.jsonl`);
            const parts: Buffer[] = bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
            lines.forEach((l, i) => {
              parts.push(l.bytes);
              if (i < lines.length - 1 || finalEol) parts.push(Buffer.from(eol));
            });
            writeFileSync(path, Buffer.concat(parts));
            // The oracle for each line is the parser on the line the splitter reads (checked above on its own).
            const verdicts = [...fileLines(path)].map((line) =>
              line.error !== undefined
                ? "error"
                : (() => {
                    const p = parseImportLine(format, line);
                    return p === null ? "blank" : "error" in p ? "error" : p.records.length;
                  })(),
            );
            const badLines = verdicts.flatMap((v, i) => (v === "error" ? [i + 1] : []));
            const expectedTasks = verdicts.reduce<number>((n, v) => n + (typeof v === "number" ? v : 0), 0);
            const before = snapshotConnection(db.$client);
            files++;
            // A bad file names a new project (which must not be created); a valid one an existing project.
            const project = badLines.length > 0 ? { projectName: `fuzz-${format}-never-${files}` } : { projectName: existing };
            const report = importFile(db, path, format, project);
            const after = snapshotConnection(db.$client);
            if (badLines.length > 0) {
              bad++;
              expect(report.imported).toEqual({ tasks: 0, rankings: 0 });
              expect(report.invalidLines).toBe(badLines.length);
              expect(report.errors.map((e) => e.line)).toEqual(badLines.slice(0, report.errors.length));
              expect(snapshotDiff(before, after)).toEqual([]);
            } else {
              expect(report.invalidLines).toBe(0);
              expect(report.imported.tasks).toBe(expectedTasks);
              // An empty import still runs the switch-in, whose INSERT … SELECT of no rows may add sqlite_sequence entries.
              if (expectedTasks === 0) expect(snapshotDiff(before, after).filter((t) => !t.startsWith("sqlite_sequence"))).toEqual([]);
              else expect(snapshotDiff(before, after).length).toBeGreaterThan(0);
            }
          },
        ),
        { numRuns: runs(40) },
      );
      // The generators must exercise both sides.
      expect(bad).toBeGreaterThan(5);
      expect(files - bad).toBeGreaterThan(3);
      const integrity = db.$client.pragma("integrity_check", { simple: true });
      expect(integrity).toBe("ok");
      expect(db.$client.pragma("foreign_key_check")).toEqual([]);
    });
  }
});
