import { readFileSync } from "node:fs";
import { databasePath, openDb } from "../../db/client";
import { GENERATE_JOB_KIND, generateJobParamsSchema } from "../../lib/generation/job-params";
import { parsePromptFile } from "../../lib/generation/prompt-file";
import { projectPromptIds } from "../../lib/generation/run-generation";
import { ensureDefaultModel, getModelByName } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";
import { runForegroundJob } from "../foreground-job";

const FLAG_OF: Record<string, string> = {
  k: "k",
  temperature: "temperature",
  topP: "top-p",
  topK: "top-k",
  maxTokens: "max-tokens",
  stop: "stop",
  seed: "seed",
  promptIds: "prompt-ids",
  prompts: "prompts",
  compareModelId: "compare",
  round: "round",
  resampleRounds: "resample-rounds",
};

export const command: Command = {
  name: "generate",
  summary: "Sample K completions per prompt from a registered model into new tasks (a job, run here)",
  usage: `Usage: palate generate --project NAME --model MODEL_NAME [--k 4] [sampling]
                      (--prompts FILE | --all-prompts | --prompt-ids 1,2,3)

Runs a generation job in the foreground with a progress bar; the job is recorded in
$PALATE_DB like one started from the app. Each prompt's K completions become a new task
of the project. Ctrl-C cancels the job after the batch in progress (tasks already
written stay).

  --project NAME       the project the tasks go to
  --model NAME         a registered model (see the research models page)
  --k K                completions per prompt, 2–9 (default 4)
  --temperature T      default 1 (0 = greedy)
  --top-p P            default 1
  --top-k K            default 0 (all tokens)
  --max-tokens N       default 64
  --stop TEXT          a stop string (repeat the flag for several)
  --seed N             default 0
  --prompts FILE       new prompts: one per line, or JSONL of strings / {"prompt": "..."}
  --all-prompts        every prompt already in the project
  --prompt-ids IDS     comma-separated prompt ids of the project
  --compare NAME       a second registered model (e.g. the previous round's policy): of the K
                       completions, ceil(K/2) come from --model and the rest from this one, so
                       annotators rank the two head to head
  --round N            the loop's round these tasks belong to (stored with each completion)
  --resample-rounds N  extra sampling rounds for a prompt whose completions repeat a text
                       (default 4; compared after trimming whitespace); a prompt still short
                       gets a task with its distinct completions (fewer than K), or none when
                       it has a single distinct text — both counted in the summary`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      model: { type: "string" },
      k: { type: "string" },
      temperature: { type: "string" },
      "top-p": { type: "string" },
      "top-k": { type: "string" },
      "max-tokens": { type: "string" },
      stop: { type: "string", multiple: true },
      seed: { type: "string" },
      prompts: { type: "string" },
      "all-prompts": { type: "boolean" },
      "prompt-ids": { type: "string" },
      compare: { type: "string" },
      round: { type: "string" },
      "resample-rounds": { type: "string" },
    });
    const projectName = required(values.project, "project");
    const modelName = required(values.model, "model");
    const sources = [values.prompts !== undefined, values["all-prompts"] === true, values["prompt-ids"] !== undefined].filter(Boolean).length;
    if (sources !== 1) throw new CliError("give exactly one of --prompts FILE, --all-prompts, --prompt-ids IDS");

    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, projectName);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      ensureDefaultModel(db);
      const model = getModelByName(db, modelName);
      if (!model) throw new CliError(`--model: no model named "${modelName}" is registered`);
      const compare = values.compare !== undefined ? getModelByName(db, values.compare) : undefined;
      if (values.compare !== undefined && !compare) throw new CliError(`--compare: no model named "${values.compare}" is registered`);

      let promptIds: number[] | undefined;
      let prompts: string[] | undefined;
      if (values.prompts !== undefined) {
        let content: string;
        try {
          content = readFileSync(values.prompts, "utf8");
        } catch (err) {
          throw new CliError(`--prompts: cannot read ${values.prompts} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        prompts = parsePromptFile(content, values.prompts);
        if (prompts.length === 0) throw new CliError(`--prompts: ${values.prompts} has no prompts`);
      } else if (values["all-prompts"]) {
        promptIds = projectPromptIds(db, project.id);
        if (promptIds.length === 0) throw new CliError(`--all-prompts: project "${projectName}" has no prompts`);
      } else {
        promptIds = values["prompt-ids"]!.split(",")
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            const n = Number(s);
            if (!Number.isInteger(n) || n <= 0) throw new CliError(`--prompt-ids: "${s}" is not a prompt id`);
            return n;
          });
        if (promptIds.length === 0) throw new CliError("--prompt-ids: no prompt ids given");
      }

      const num = (flag: string) =>
        values[flag as keyof typeof values] === undefined ? undefined : numberFlag(values[flag as keyof typeof values] as string, flag, 0);
      const sampling = Object.fromEntries(
        Object.entries({
          k: num("k"),
          temperature: num("temperature"),
          topP: num("top-p"),
          topK: num("top-k"),
          maxTokens: num("max-tokens"),
          stop: values.stop,
          seed: num("seed"),
        }).filter(([, v]) => v !== undefined),
      );
      const parsed = generateJobParamsSchema.safeParse({
        projectId: project.id,
        modelId: model.id,
        promptIds,
        prompts,
        sampling,
        ...(compare ? { compareModelId: compare.id } : {}),
        ...(values.round !== undefined ? { round: numberFlag(values.round, "round", 1) } : {}),
        ...(values["resample-rounds"] !== undefined ? { resampleRounds: numberFlag(values["resample-rounds"], "resample-rounds", 0) } : {}),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = String(issue.path[issue.path.length - 1] ?? "");
        throw new CliError(`--${FLAG_OF[field] ?? field}: ${issue.message}`);
      }

      const total = (promptIds?.length ?? 0) + (prompts?.length ?? 0);
      const done = await runForegroundJob(
        db,
        { kind: GENERATE_JOB_KIND, params: parsed.data as unknown as Record<string, unknown>, projectId: project.id },
        (job) => console.log(`Job ${job.id}: ${parsed.data.sampling.k} completions for each of ${total} prompts from ${model.name} into "${project.name}".`),
        { total, format: "generate |{bar}| {value}/{total} prompts | {message}" },
      );
      const result = done.result as { tasksCreated?: number; unfilled?: number; tasksShort?: number; promptsSkipped?: number } | null;
      console.log(`Job ${done.id} succeeded: ${result?.tasksCreated ?? 0} new tasks in "${project.name}".`);
      if (result?.unfilled)
        console.log(
          `${result.unfilled} prompts could not be filled with ${parsed.data.sampling.k} distinct completions: ${result.tasksShort ?? 0} tasks have fewer, ${result.promptsSkipped ?? 0} prompts were skipped (a single distinct text).`,
        );
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
