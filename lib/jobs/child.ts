// The child process a worker starts for one job: `node --import tsx lib/jobs/child.ts <jobId>`.
// It exits when its parent (the worker) goes away, so a killed worker leaves no orphan computing.
import { dirname } from "node:path";
import { databasePath, openDb } from "../../db/client";
import { runJob } from "./run-job";

const jobId = Number(process.argv[2]);
if (!Number.isInteger(jobId)) {
  console.error("usage: child.ts <jobId>");
  process.exit(2);
}
if (process.send) process.on("disconnect", () => process.exit(1));

const path = databasePath();
const db = openDb(path);
const dataDir = process.env.PALATE_DATA_DIR ?? dirname(path);
const status = await runJob(db, jobId, { dataDir });
db.$client.close();
process.exit(status === "failed" ? 1 : 0);
