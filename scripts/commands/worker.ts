import { databasePath, openDb } from "../../db/client";
import { JobWorker } from "../../lib/jobs/worker";
import { parseFlags, type Command } from "../cli";

export const command: Command = {
  name: "worker",
  summary: "Run queued jobs (generation, training), each in a child process",
  usage: `Usage: palate worker

Takes jobs queued in $PALATE_DB and runs each in a child process: one at a time in
queue order, and beside it the quick jobs that keep pages current (statistics refreshes).
Jobs a previous worker left running are resumed (kinds with checkpoints) or failed
with the reason. \`palate demo\` and \`palate start\` start a worker with the app.`,
  async run(argv) {
    parseFlags(argv, {});
    const db = openDb(databasePath());
    const worker = new JobWorker(db);
    await worker.start();
    await new Promise<void>((done) => {
      const stop = () => void worker.stop().then(done);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    db.$client.close();
    return 0;
  },
};
