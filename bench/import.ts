// Import benchmark: time and peak memory (max RSS) of `importFile` for growing files, each run
// in a fresh process so the peaks do not mix.
//
// V8 lets its old space grow while there is no pressure, so the plain peak RSS creeps up with
// the file although the live data does not. The last column shows what the import really holds:
// the largest RSS seen right after a forced GC, sampled every 10,000 lines of both passes; it stays
// flat from 10k to 300k lines. Plain runs (no forced GC) give the peak RSS and the speed.
//
//   npx tsx bench/import.ts                    # the table, 10k … 300k lines
//   npx tsx bench/import.ts 100000 trl         # one run (what each child does)
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDb } from "../db/client";
import { importFile } from "../lib/datasets/import";

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function writeFile(path: string, lines: number, format: "trl" | "palate"): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < lines; i++) {
    const row =
      format === "trl"
        ? { prompt: `Question number ${i}: what is ${i} + ${i}?`, chosen: `It is ${2 * i}.`, rejected: `It is ${2 * i + 1}.` }
        : { prompt: `Question number ${i}: what is ${i} + ${i}?`, completions: [`${2 * i}`, `${2 * i + 1}`, `maybe ${i}`, `no idea`] };
    if (!out.write(JSON.stringify(row) + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

async function child(lines: number, format: "trl" | "palate"): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "palate-bench-import-"));
  try {
    const file = join(dir, "data.jsonl");
    await writeFile(file, lines, format);
    const db = openDb(join(dir, "bench.db"));
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    const t0 = performance.now();
    let afterGc = 0;
    const gc = (globalThis as { gc?: () => void }).gc;
    const report = importFile(db, file, format, { projectName: "bench" }, (_pass, read) => {
      if (!gc || read % 10_000 !== 0) return;
      gc();
      afterGc = Math.max(afterGc, process.memoryUsage().rss);
    });
    const seconds = (performance.now() - t0) / 1000; // includes the forced GCs
    const peak = process.resourceUsage().maxRSS * 1024;
    db.$client.close();
    if (report.invalidLines) throw new Error(`invalid lines: ${JSON.stringify(report.errors.slice(0, 3))}`);
    console.log(
      JSON.stringify({
        format,
        lines,
        fileMB: mb(statSync(file).size),
        tasks: report.imported.tasks,
        seconds: seconds.toFixed(2),
        linesPerSecond: Math.round(lines / seconds),
        peakRssMB: mb(peak),
        peakBeforeImportMB: mb(rssBefore),
        rssAfterGcMB: mb(afterGc),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parent(): void {
  const self = fileURLToPath(import.meta.url);
  console.log("format  lines    file MB  seconds  lines/s  peak RSS MB  | with a GC every 10k lines: seconds  max RSS after GC MB");
  for (const [format, sizes] of [
    ["trl", [10_000, 100_000, 300_000]],
    ["palate", [10_000, 100_000]],
  ] as const) {
    for (const lines of sizes) {
      const [plain, sampled] = [false, true].map((gc) => {
        const run = spawnSync(process.execPath, [...(gc ? ["--expose-gc"] : []), "--import", "tsx", self, String(lines), format], { encoding: "utf8" });
        if (run.status !== 0) throw new Error(run.stderr);
        return JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}");
      });
      console.log(
        `${format.padEnd(7)} ${String(lines).padEnd(8)} ${plain.fileMB.padStart(7)}  ${plain.seconds.padStart(7)}  ${String(plain.linesPerSecond).padStart(7)}  ${plain.peakRssMB.padStart(11)}  | ${sampled.seconds.padStart(33)}  ${sampled.rssAfterGcMB.padStart(19)}`,
      );
    }
  }
}

const [lines, format] = process.argv.slice(2);
if (lines) await child(Number(lines), (format ?? "trl") as "trl" | "palate");
else parent();
