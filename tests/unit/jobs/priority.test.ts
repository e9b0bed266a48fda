// Jobs run at a lower CPU priority than the web server (lib/jobs/priority.ts), checked in a real
// child process (a nice value cannot be raised back without privileges, so not in this one).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jobNice } from "@/lib/jobs/priority";

const root = process.cwd();

function niceInChild(env: Record<string, string>): { before: number; after: number; threadAfter: number } {
  const script = `
    import { getPriority } from "node:os";
    import { Worker } from "node:worker_threads";
    import { lowerJobPriority } from ${JSON.stringify(join(root, "lib/jobs/priority.ts"))};
    const before = getPriority();
    const after = lowerJobPriority();
    // A thread started afterwards (as ONNX Runtime's pool is) inherits the value.
    const w = new Worker("Promise.all([import('node:os'), import('node:worker_threads')]).then(([os, wt]) => wt.parentPort.postMessage(os.getPriority()))", { eval: true });
    w.once("message", (threadAfter) => { console.log(JSON.stringify({ before, after, threadAfter })); w.terminate(); });
  `;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

describe("job priority", () => {
  it("lowers the process to nice 10 by default, and threads started later inherit it", () => {
    const { before, after, threadAfter } = niceInChild({ PALATE_JOB_NICE: "" });
    expect(before).toBe(0);
    expect(after).toBe(10);
    expect(threadAfter).toBe(10);
  }, 30_000);

  it("takes PALATE_JOB_NICE, and 0 leaves the priority alone", () => {
    expect(niceInChild({ PALATE_JOB_NICE: "5" }).after).toBe(5);
    expect(niceInChild({ PALATE_JOB_NICE: "0" }).after).toBe(0);
  }, 30_000);

  it("names the variable for a bad value", () => {
    expect(() => jobNice({ PALATE_JOB_NICE: "-3" })).toThrow(/PALATE_JOB_NICE: expected a whole number from 0 to 19/);
    expect(() => jobNice({ PALATE_JOB_NICE: "high" })).toThrow(/PALATE_JOB_NICE/);
    expect(jobNice({})).toBe(10);
  });
});
