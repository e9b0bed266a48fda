// A snapshot's Hugging Face dataset card: README.md with YAML front matter (license, task
// categories, tags, size category, one config per format with its train/test files) and prose on
// how the data was collected, by how many annotators, with what agreement, under which filters.
// https://huggingface.co/docs/hub/datasets-cards and https://huggingface.co/docs/hub/datasets-manual-configuration
//
// Pure: the manifest (less its card) and the project's guidelines in, the text out. Every string in
// the front matter is written as a JSON string, which YAML reads as a double-quoted scalar.
import { SFT_SNAPSHOT_FORMATS, type SnapshotFile, type SnapshotManifest } from "./snapshot-manifest";

/** Hugging Face's size categories, by the number of rows: [upper bound (exclusive), label]. */
const SIZE_CATEGORIES: [number, string][] = [
  [1e3, "n<1K"],
  [1e4, "1K<n<10K"],
  [1e5, "10K<n<100K"],
  [1e6, "100K<n<1M"],
  [1e7, "1M<n<10M"],
  [1e8, "10M<n<100M"],
  [1e9, "100M<n<1B"],
  [1e10, "1B<n<10B"],
  [1e11, "10B<n<100B"],
  [1e12, "100B<n<1T"],
];

/** The size category of a dataset of `rows` rows (n<1K below 1,000; 1K<n<10K from 1,000; …; n>1T). */
export function sizeCategory(rows: number): string {
  for (const [bound, label] of SIZE_CATEGORIES) if (rows < bound) return label;
  return "n>1T";
}

/** A license identifier as the Hub takes it (apache-2.0, cc-by-4.0, mit, other, …). */
export const LICENSE_PATTERN = /^[a-z0-9][a-z0-9.+-]{0,63}$/;
export const DEFAULT_LICENSE = "other";

/** The format the card lists first and marks as the default config. */
const DEFAULT_FORMAT = "trl";

const FORMAT_DESCRIPTIONS: Record<string, string> = {
  trl: "TRL's standard preference format: `prompt`, `chosen`, `rejected` strings, one row per pair (plus `prompt_id`, `task_id`, `ranking_id`).",
  "trl-conversational":
    "TRL's conversational preference format: `prompt` as a list of `{role, content}` messages, `chosen` and `rejected` as one assistant message each, one row per pair.",
  rankings:
    "One row per ranking: the prompt's messages, the completions (`id`, `text`, `model`, answers to the project's questions), `groups` (completion ids, best first, ties sharing a group), the annotator's id, flags, `none_acceptable`, comment and time spent.",
  hh: "Anthropic HH: `chosen` and `rejected` as whole `\\n\\nHuman: … \\n\\nAssistant: …` transcripts, one row per pair.",
  openrlhf: "OpenRLHF's reward-dataset keys, one row per pair.",
  sft: "TRL's conversational SFT format (`messages`: the prompt's messages, then the annotator's answer as the last, assistant message), one row per demonstration a reviewer accepted.",
  "sft-unreviewed":
    "The same SFT format, one row per demonstration submitted but not reviewed yet (rejected ones are in no file): add it to `sft` to train on every demonstration not rejected.",
};

/** Whether a file holds demonstrations (the sft formats) rather than rankings or pairs. */
const isSftFile = (f: SnapshotFile) => (SFT_SNAPSHOT_FORMATS as readonly string[]).includes(f.format);

export interface DatasetCardInput {
  manifest: Omit<SnapshotManifest, "card">;
  guidelines: string;
}

/** The formats of the files in the order the card lists them: trl first, then as the manifest lists them. */
function formatsOf(files: readonly SnapshotFile[]): string[] {
  const formats = [...new Set(files.map((f) => f.format))];
  return formats.includes(DEFAULT_FORMAT) ? [DEFAULT_FORMAT, ...formats.filter((f) => f !== DEFAULT_FORMAT)] : formats;
}

/** The rows the size category counts: the default format's (pairs), else the largest format's. */
export function cardRows(files: readonly SnapshotFile[]): number {
  const rowsOf = (format: string) => files.filter((f) => f.format === format).reduce((s, f) => s + f.rows, 0);
  const formats = formatsOf(files);
  if (formats.includes(DEFAULT_FORMAT)) return rowsOf(DEFAULT_FORMAT);
  return Math.max(0, ...formats.map(rowsOf));
}

/** The YAML front matter, between `---` lines. */
export function cardFrontMatter(manifest: Omit<SnapshotManifest, "card">): string {
  const q = (s: string) => JSON.stringify(s);
  const demonstrations = manifest.files.some(isSftFile);
  const rankings = manifest.files.some((f) => !isSftFile(f));
  const lines = [
    "---",
    `license: ${q(manifest.license)}`,
    `pretty_name: ${q(`${manifest.project.name} (${manifest.name})`)}`,
    "task_categories:",
    "- text-generation",
    ...(rankings ? ["- reinforcement-learning"] : []),
    "tags:",
    "- rlhf",
    ...(rankings ? ["- preference"] : []),
    "- human-feedback",
    ...(rankings ? ["- reward-modeling"] : []),
    ...(demonstrations ? ["- sft", "- demonstrations"] : []),
    "- palate",
    "size_categories:",
    `- ${q(sizeCategory(cardRows(manifest.files)))}`,
    "configs:",
  ];
  for (const format of formatsOf(manifest.files)) {
    lines.push(`- config_name: ${q(format)}`);
    if (format === DEFAULT_FORMAT) lines.push("  default: true");
    lines.push("  data_files:");
    for (const f of manifest.files.filter((file) => file.format === format)) {
      lines.push(`  - split: ${q(f.split)}`, `    path: ${q(f.path)}`);
    }
  }
  lines.push("---");
  return lines.join("\n") + "\n";
}

function pct(x: number | null | undefined): string {
  return typeof x === "number" ? `${(100 * x).toFixed(1)}%` : "n/a";
}

function num(x: number | null | undefined, digits = 3): string {
  return typeof x === "number" ? x.toFixed(digits) : "n/a";
}

function estimate(e: { value: number | null; low: number | null; high: number | null } | null): string {
  if (!e || e.value === null) return "n/a (no task ranked by two annotators)";
  return e.low !== null && e.high !== null ? `${num(e.value)} (95% interval ${num(e.low)} to ${num(e.high)})` : num(e.value);
}

/**
 * The start of the guidelines as markdown lines (headings become bold lines), cut at a line
 * boundary after about `max` characters ("…" marks the cut).
 */
export function guidelinesSummary(guidelines: string, max = 800): string[] {
  const lines = guidelines
    .trim()
    .split("\n")
    .map((l) => l.trimEnd().replace(/^#+\s*(.*)$/, (_, heading: string) => (heading ? `**${heading}**` : "")));
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length > max && out.length > 0) {
      out.push("…");
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** What the card says of the demonstrations: how they were written and reviewed, and which file holds which. */
function demonstrationsParagraph(demos: NonNullable<SnapshotManifest["stats"]["demonstrations"]>, files: readonly SnapshotFile[]): string[] {
  const rowsOf = (format: string) => files.filter((f) => f.format === format).reduce((n, f) => n + f.rows, 0);
  return [
    `Annotators also wrote the ideal answer to a prompt (a demonstration), which a reviewer accepted or rejected. ` +
      `This snapshot holds ${plural(demos.accepted + demos.unreviewed, "demonstration")} of ${plural(demos.prompts, "prompt")} ` +
      `by ${plural(demos.annotators, "annotator")}, in TRL's conversational SFT format (one \`{"messages": [...]}\` row each, the last message the answer): ` +
      `${plural(rowsOf("sft"), "accepted demonstration")} in \`sft/\`` +
      (demos.unreviewed > 0 ? ` and ${plural(rowsOf("sft-unreviewed"), "demonstration")} not reviewed yet in \`sft-unreviewed/\`` : "") +
      `. ${plural(demos.rejected, "rejected demonstration")} and every draft are left out.`,
  ];
}

/** The whole card: front matter, then the prose. */
export function datasetCard({ manifest, guidelines }: DatasetCardInput): string {
  const { stats, split } = manifest;
  const a = stats.agreement;
  const out: string[] = [cardFrontMatter(manifest)];
  const demos = stats.demonstrations;
  // A snapshot of a demonstration project has no ranking file: nothing to say of rankings or their agreement.
  const rankings = manifest.files.some((f) => !isSftFile(f));
  const what = [
    rankings ? "Human preference rankings" : null,
    demos ? (rankings ? "demonstrations" : "Demonstrations (ideal answers written by annotators)") : null,
  ]
    .filter((x) => x !== null)
    .join(" and ");
  out.push(`# ${manifest.project.name}: ${manifest.name}`, "");
  out.push(
    `${what} collected with Palate (a human-preference labeling and RLHF tool) in the project "${manifest.project.name}", ` +
      `frozen as the snapshot \`${manifest.name}\` on ${manifest.created_at.slice(0, 10)}. ` +
      `Content hash (SHA-256): \`${manifest.hash}\`.`,
    "",
  );

  out.push("## How the data was collected", "");
  if (rankings)
    out.push(
      `Annotators saw a prompt and several completions of it and ranked the completions best first, ` +
        `tying those they could not tell apart, flagging harmful, wrong or off-topic ones, and marking a task ` +
        `"none acceptable" when no completion was. ` +
        `This snapshot holds ${plural(stats.rankings, "ranking")} of ${plural(stats.tasks, "task")} ` +
        `(${plural(stats.prompts, "prompt")}) by ${plural(stats.annotators, "annotator")}, ` +
        `which imply ${plural(stats.pairs, "preference pair")} in the \`trl\` format.`,
      "",
    );
  if (demos) out.push(...demonstrationsParagraph(demos, manifest.files), "");
  if (stats.models.length > 0) out.push(`Completions came from: ${stats.models.map((m) => `\`${m}\``).join(", ")}.`, "");
  const summary = guidelinesSummary(guidelines);
  if (summary.length > 0) out.push("The annotators' guidelines:", "", ...summary.map((l) => (l ? `> ${l}` : ">")), "");

  if (rankings)
    out.push(
      "## Agreement",
      "",
      `- Pairwise agreement (share of completion pairs two annotators of the same task both ordered, ordered the same way — better, worse or tied): ` +
        (a.pairwise.rate === null
          ? "n/a (no task ranked by two annotators)"
          : `${pct(a.pairwise.rate)} of ${plural(a.pairwise.total, "pair")} over ${plural(a.pairwise.sharedTasks, "shared task")}`),
      `- Krippendorff's α, ordinal (a unit is one completion, an annotator's value its rank): ${estimate(a.alphaOrdinal)}`,
      `- Krippendorff's α, interval: ${estimate(a.alphaInterval)}`,
      `- Kendall's τ-b, mean over pairs of annotators of one task: ${estimate(a.kendallTauB)}`,
      "",
      "Intervals are 95% percentile bootstrap intervals over tasks.",
      "",
    );

  out.push("## Filters", "");
  out.push(`The export options the ${demos ? "ranking and pair " : ""}files were written with${demos ? " (the demonstrations take none of them)" : ""}:`, "");
  for (const [key, value] of Object.entries(manifest.filters)) out.push(`- \`${key}\`: \`${JSON.stringify(value)}\``);
  out.push("");

  out.push("## Splits", "");
  out.push(
    `Train and test are split by prompt: a prompt is in the test split when the SHA-256 of its text, read as a number in [0, 1), ` +
      `is below ${split.test_share}. Every row of a prompt, in every format, is on the same side; no prompt is in both ` +
      `(${plural(split.train_prompts, "prompt")} in train, ${plural(split.test_prompts, "prompt")} in test).`,
    "",
  );

  out.push("## Files", "");
  out.push("| config | split | file | rows | bytes | sha256 |", "| --- | --- | --- | ---: | ---: | --- |");
  for (const format of formatsOf(manifest.files))
    for (const f of manifest.files.filter((file) => file.format === format))
      out.push(`| ${format} | ${f.split} | ${f.path} | ${f.rows} | ${f.bytes} | \`${f.sha256}\` |`);
  out.push("");
  for (const format of formatsOf(manifest.files)) out.push(`- \`${format}\`: ${FORMAT_DESCRIPTIONS[format] ?? "see Palate's export formats."}`);
  out.push("");

  out.push("## Loading", "");
  const first = formatsOf(manifest.files)[0] ?? DEFAULT_FORMAT;
  const files = manifest.files.filter((f) => f.format === first);
  out.push(
    "```python",
    "from datasets import load_dataset",
    "",
    `ds = load_dataset("json", data_files={${files.map((f) => `${JSON.stringify(f.split)}: ${JSON.stringify(f.path)}`).join(", ")}})`,
    "```",
    "",
  );

  out.push("## Integrity", "");
  out.push(
    `\`snapshot.json\` lists every data file with its row count, size and SHA-256. The content hash above is the SHA-256 of ` +
      `the files' \`sha256  path\` lines sorted by path (what \`sha256sum\` prints): the same rankings give the same hash, ` +
      `and a change of any ranking changes it. Check it with:`,
    "",
    "```sh",
    `sha256sum ${[...manifest.files]
      .map((f) => f.path)
      .sort()
      .join(" ")} | sha256sum`,
    "```",
    "",
  );
  return out.join("\n");
}
