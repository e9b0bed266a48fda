import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { eq } from "drizzle-orm";
import { databasePath, openDb } from "../../db/client";
import { users } from "../../db/schema";
import { getProjectByName } from "../../lib/projects";
import { GoldFileError } from "../../lib/quality/gold-file";
import { applyGoldFile, goldAccuracyByAnnotator, goldTaskCount, unpauseAnnotator } from "../../lib/quality/gold-store";
import { CliError, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "gold",
  summary: "Mark a project's gold tasks from a file, report each annotator's gold accuracy, unpause",
  usage: `Usage: palate gold --project NAME [--file FILE] [--unpause EMAIL]

With --file, marks (or unmarks) the gold tasks of project NAME in $PALATE_DB from FILE, JSONL,
one task a line, all or nothing (a bad line is named and nothing is written):

  {"external_id": "oa-123", "ranking": [[2], [0, 1], [3]]}       the full expected ranking, best
                                                                  first, ties sharing a group
  {"task_id": 42, "first": 1}                                     only: this completion is first
  {"prompt": "Name a colour.", "completions": ["Red.", "Seven."], "none_acceptable": true}
  {"task_id": 42, "gold": false}                                  no longer gold

A task is named by task_id, by external_id (its prompt's), or by prompt (a string as exports
render it, or the messages) with completions (all its completion texts, any order). Completions
are 0-based positions (in the line's completions when it has them, else the task's stored
order), or completion ids with "by": "id".

With --unpause EMAIL, the annotator may work on the project again; their gold count restarts.

Gold tasks are served to each annotator with the project's gold share (default 0.1) and never
count towards R. An answer matches when: none acceptable is expected and given; the expected
first completion is in the first group (not everything tied); the full ranking has Kendall
tau-b >= 0.5 with the expected one. Below the project's accuracy threshold (default 0.6) after
its minimum number of gold answers (default 5) an annotator is paused on the project.

The last line is JSON: {project, marked, unmarked, goldTasks, annotators: [{email, answered,
correct, accuracy, interval, paused}]}.`,
  async run(argv) {
    const { values } = parseFlags(argv, { project: { type: "string" }, file: { type: "string" }, unpause: { type: "string" } });
    const projectName = required(values.project, "project");
    const text =
      values.file === undefined
        ? undefined
        : await readFile(resolve(values.file), "utf8").catch((err: Error) => {
            throw new CliError(`--file: ${err.message}`);
          });
    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, projectName);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      let result = { marked: 0, unmarked: 0 };
      if (text !== undefined) {
        try {
          result = applyGoldFile(db, project.id, text);
        } catch (err) {
          if (err instanceof GoldFileError) throw new CliError(`${values.file}: ${err.message}`);
          throw err;
        }
        console.error(`Marked ${result.marked} gold tasks, unmarked ${result.unmarked}.`);
      }
      if (values.unpause !== undefined) {
        const email = values.unpause.trim().toLowerCase();
        const who = db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
        if (!who) throw new CliError(`--unpause: no user with email "${values.unpause}"`);
        unpauseAnnotator(db, project.id, who.id, null);
        console.error(`Unpaused ${email} on ${project.name}; their gold count starts again.`);
      }
      const annotators = goldAccuracyByAnnotator(db, project).map((a) => ({
        email: a.email,
        answered: a.answered,
        correct: a.correct,
        accuracy: a.accuracy,
        interval: a.interval,
        paused: a.paused,
      }));
      console.log(JSON.stringify({ project: project.name, ...result, goldTasks: goldTaskCount(db, project.id), annotators }));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
