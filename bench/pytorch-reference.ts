// Runs one of ../shared/bench's PyTorch reference scripts with --json and returns its last JSON
// line, or null (saying why on stderr) when Debian's python3, its torch or the script is missing
// or the run fails. Shared by the benches that time the same work in PyTorch in the same run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const PYTHON = "/usr/bin/python3";

export function runPytorchReference(script: string, extraArgs: readonly string[] = []): Record<string, number | string> | null {
  if (!existsSync(PYTHON)) {
    console.error(`bench: ${PYTHON} not found; skipping the PyTorch reference`);
    return null;
  }
  if (spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status !== 0) {
    console.error(`bench: ${PYTHON} has no torch (apt-get install -y python3-torch libopenblas0-pthread); skipping the PyTorch reference`);
    return null;
  }
  if (!existsSync(script)) {
    console.error(`bench: ${script} not found; skipping the PyTorch reference`);
    return null;
  }
  const r = spawnSync(PYTHON, [script, "--json", ...extraArgs], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    console.error(`bench: the PyTorch reference failed: ${r.stderr.trim().split("\n").at(-1)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number | string>;
}
