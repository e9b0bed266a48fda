// A separate process with its own SQLite connection, asking for work for several annotators at
// once with the others. Driven by assignment-concurrency.test.ts over stdin/stdout:
//   argv: dbPath projectId userIds(comma-separated)
//   stdout "ready" once connected; stdin "grab" → every user asks once (no submits);
//   stdin "work" → every user asks and submits until nothing is left; stdin "quit" → exit.
// Each answer is a JSON line {phase, userId, taskId|null}.
import { createInterface } from "node:readline";
import { openDb } from "../../db/client";
import { requestAssignment } from "../../lib/labeling/assignment-store";
import { rankingSubmissionSchema } from "../../lib/labeling/submission";
import { submitRanking } from "../../lib/labeling/submission-store";
import { getTask } from "../../lib/tasks";

const [dbPath, projectArg, usersArg] = process.argv.slice(2);
const projectId = Number(projectArg);
const userIds = usersArg.split(",").map(Number);
const db = openDb(dbPath);

function say(line: unknown) {
  process.stdout.write(JSON.stringify(line) + "\n");
}

function grab() {
  for (const userId of userIds) say({ phase: "grab", userId, taskId: requestAssignment(db, projectId, userId)?.assignment.taskId ?? null });
}

function work() {
  const busy = new Set(userIds);
  while (busy.size > 0) {
    for (const userId of [...busy]) {
      const got = requestAssignment(db, projectId, userId);
      if (!got) {
        busy.delete(userId);
        say({ phase: "work", userId, taskId: null });
        continue;
      }
      const task = getTask(db, got.assignment.taskId)!;
      const ids = task.completions.map((c) => c.id);
      const result = submitRanking(db, task.id, userId, rankingSubmissionSchema.parse({ groups: [[ids[1]], [ids[0]], ...ids.slice(2).map((i) => [i])] }));
      if (!result.ok) throw new Error(`submit failed: ${result.error}`);
      say({ phase: "work", userId, taskId: task.id });
    }
  }
}

say("ready");
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "grab") grab();
  else if (line === "work") work();
  else if (line === "quit") break;
  say("done");
}
db.$client.close();
