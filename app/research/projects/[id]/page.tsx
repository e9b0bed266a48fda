import Link from "next/link";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjectTasks } from "@/lib/labeling/browse";
import { parseTaskQuery } from "@/lib/labeling/task-filter";
import { listModels } from "@/lib/models/registry";
import { ppoPolicyInfo, projectPpoPolicies } from "@/lib/ppo/views";
import { projectScoredModels } from "@/lib/reward/scores";
import { withRoundModels } from "@/lib/rounds/rounds";
import { demonstrationStatsStatistic, roundsStatistic, taskFilterOptionsStatistic } from "@/lib/stats/project-statistics";
import { showsDemonstrations } from "@/lib/demonstrations/demonstration-stats";
import { DemonstrationStatsView } from "@/app/components/demonstration-stats-view";
import { servedStatistic } from "@/app/components/served-statistics";
import { ExportPanel } from "@/app/components/export-panel";
import { DataTable } from "@/app/components/data-table";
import { ProgressBar } from "@/app/components/progress-bar";
import { projectStatsOr404 } from "@/app/components/project-stats-or-404";
import { ProjectQuality } from "@/app/components/project-quality";
import { StatisticsAge } from "@/app/components/statistics-age";
import { TaskList } from "@/app/components/task-list";
import { fixed, rewardModelInfo } from "@/app/components/reward-model-info";
import { HeldOutAccuracyView } from "@/app/components/held-out-accuracy";
import { RoundsTable } from "./rounds-table";
import { ScoreButton } from "./score-button";
import { SnapshotPanel } from "./snapshot-panel";
import { RecipeView } from "./recipe-view";
import { readProjectRecipes } from "@/lib/recipes/recipe-store";
import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ResearchProjectPage({ params, searchParams }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}`);
  const { project, served } = projectStatsOr404(rawId);
  const stats = served.value;
  const id = project.id;
  const db = getDb();
  // The task list's search, filters, sort and page (bad values are ignored and named above the list).
  const taskQuery = parseTaskQuery(await searchParams);
  const scored = new Map(projectScoredModels(db, id).map((m) => [m.id, m.scored]));
  const rewardModels = listModels(db)
    .filter((m) => m.kind === "reward" && m.projectId === id)
    .map((m) => ({ model: m, info: rewardModelInfo(m), scored: scored.get(m.id) ?? 0 }));
  const policies = projectPpoPolicies(db, id).map((m) => ({ model: m, info: ppoPolicyInfo(m) }));
  // The rounds' counts and the filters' options read every row of the project: from the statistics cache when it is large.
  const rounds = withRoundModels(db, id, servedStatistic(id, roundsStatistic)?.value ?? []);
  const filterOptions = servedStatistic(id, taskFilterOptionsStatistic)?.value ?? { models: [], rounds: [] };
  const demonstrations = servedStatistic(id, demonstrationStatsStatistic);
  const refName = (ref: { id: number; name: string } | { dir: string } | null) => (ref === null ? "—" : "dir" in ref ? ref.dir : ref.name);
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/research" className="text-indigo-700 underline">
          Research
        </Link>{" "}
        / {project.name}
      </p>
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-xl font-semibold">{project.name}</h1>
        {stats && <ProgressBar progress={stats.progress} redundancy={project.redundancy} />}
        <span className="text-sm text-slate-600">
          K = {project.completionsPerTask} · R = {project.redundancy}
        </span>
      </div>
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-medium">Quality</h2>
        <Link href={`/research/projects/${id}/quality`} className="text-sm text-indigo-700 underline" data-testid="quality-page-link">
          Agreement (Krippendorff&apos;s α, Kendall&apos;s τ-b, heat map)
        </Link>
        <StatisticsAge served={served} />
        {stats && <ProjectQuality stats={stats} />}
      </section>
      {demonstrations && showsDemonstrations(project.mode, demonstrations.value) && (
        <section className="flex flex-col gap-2" aria-label="Demonstrations">
          <h2 className="text-lg font-medium">Demonstrations</h2>
          {demonstrations.value ? <DemonstrationStatsView stats={demonstrations.value} /> : <StatisticsAge served={demonstrations} />}
        </section>
      )}
      <section className="flex flex-col gap-2" aria-label="Recipe" data-testid="recipe">
        <h2 className="text-lg font-medium">Recipe</h2>
        <RecipeView recipes={readProjectRecipes(db, id)} projectId={id} />
      </section>
      <section className="flex flex-col gap-2" aria-label="Reward models">
        <div className="flex flex-wrap items-center gap-4">
          <h2 className="text-lg font-medium">Reward models</h2>
          <Link href={`/research/projects/${id}/train-rm`} className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700">
            Train reward model
          </Link>
          <Link href={`/research/projects/${id}/disagreements`} className="text-sm text-indigo-700 underline">
            Disagreements
          </Link>
          <Link href={`/research/projects/${id}/leaderboard`} className="text-sm text-indigo-700 underline" data-testid="leaderboard-link">
            Model leaderboard
          </Link>
        </div>
        <DataTable
          testId="reward-models"
          headers={["Reward model", "Base", "Eval accuracy (95% interval)", "Eval loss", "Pairs (train / eval)", "Scored completions", null]}
          isEmpty={rewardModels.length === 0}
          empty="No reward model trained on this project yet."
        >
          {rewardModels.map(({ model, info, scored }) => (
            <tr key={model.id} className="border-t border-slate-100 [&>td]:py-1.5" data-testid={`reward-model-${model.name}`}>
              <td className="pr-3">
                <Link href={`/research/models/${model.id}`} className="text-indigo-700 underline">
                  {model.name}
                </Link>
              </td>
              <td className="pr-3">{info.baseModel?.name ?? "—"}</td>
              <td className="pr-3">
                <HeldOutAccuracyView heldOut={info.heldOut} compact />
              </td>
              <td className="pr-3">{fixed(info.metrics.eval_loss, 4)}</td>
              <td className="pr-3">
                {info.metrics.train_pairs ?? "—"} / {info.metrics.eval_pairs ?? "—"}
              </td>
              <td className="pr-3">
                {scored > 0 ? (
                  <Link href={`/research/projects/${id}/disagreements?model=${model.id}`} className="text-indigo-700 underline">
                    {scored}
                  </Link>
                ) : (
                  0
                )}
              </td>
              <td className="pr-3">
                <ScoreButton projectId={id} modelId={model.id} modelName={model.name} />
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
      {(rewardModels.length > 0 || policies.length > 0) && (
        <section className="flex flex-col gap-2" aria-label="PPO policies">
          <div className="flex flex-wrap items-center gap-4">
            <h2 className="text-lg font-medium">PPO policies</h2>
            {rewardModels.length > 0 && (
              <Link href={`/research/projects/${id}/ppo`} className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700">
                Run PPO
              </Link>
            )}
          </div>
          <DataTable
            testId="ppo-policies"
            headers={["Policy", "Round", "Start policy", "Reward model", "Held-out score (policy / SFT)", "Held-out KL"]}
            isEmpty={policies.length === 0}
            empty="No PPO run on this project yet."
          >
            {policies.map(({ model, info }) => (
              <tr key={model.id} className="border-t border-slate-100 [&>td]:py-1.5" data-testid={`ppo-policy-${model.name}`}>
                <td className="pr-3">
                  <Link href={`/research/models/${model.id}`} className="text-indigo-700 underline">
                    {model.name}
                  </Link>
                </td>
                <td className="pr-3">{info.round ?? "—"}</td>
                <td className="pr-3">{refName(info.startPolicy)}</td>
                <td className="pr-3">{refName(info.rewardModel)}</td>
                <td className="pr-3 font-mono">{info.evaluation ? `${fixed(info.evaluation.scores)} / ${fixed(info.evaluation.scores_reference)}` : "—"}</td>
                <td className="pr-3 font-mono">{fixed(info.evaluation?.kl)}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
      <section className="flex flex-col gap-2" aria-label="SFT">
        <div className="flex flex-wrap items-center gap-4">
          <h2 className="text-lg font-medium">SFT</h2>
          <Link href={`/research/projects/${id}/sft`} className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700">
            Run SFT
          </Link>
          <Link href={`/research/projects/${id}/best-of-n`} className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700">
            Run best-of-n
          </Link>
        </div>
        <p className="max-w-3xl text-sm text-slate-600">
          Supervised fine-tuning on this project&apos;s demonstrations, with a held-out loss and exact-answer check. Best-of-n: a policy&apos;s best of N
          answers per prompt, by a reward model or reward functions, kept as an SFT file (and, if you like, as demonstrations) — rejection sampling.
        </p>
      </section>
      <section className="flex flex-col gap-2" aria-label="GRPO and DPO">
        <div className="flex flex-wrap items-center gap-4">
          <h2 className="text-lg font-medium">GRPO and DPO</h2>
          <Link href={`/research/projects/${id}/grpo`} className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700">
            Run GRPO
          </Link>
          <Link href={`/research/projects/${id}/dpo`} className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-700">
            Run DPO
          </Link>
        </div>
        <p className="max-w-3xl text-sm text-slate-600">
          GRPO: the policy samples a group of answers per prompt, scored by rule reward functions (accuracy against the prompts&apos; reference answers, the
          think-then-answer format, length) and optionally a reward model — DeepSeek-R1&apos;s RL step. DPO: the policy learns this project&apos;s rankings
          directly, without a reward model.
        </p>
      </section>
      <section className="flex flex-col gap-2" aria-label="Rounds">
        <h2 className="text-lg font-medium">Rounds</h2>
        <p className="max-w-3xl text-sm text-slate-600">
          Round 1 is what the SFT model (or an import) wrote; each later round samples from a PPO policy, mixed with the model it started from so the annotators
          rank the two head to head. Start the next round from a PPO policy&apos;s page.
        </p>
        <RoundsTable rows={rounds} />
      </section>
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-medium">Export</h2>
        <ExportPanel projectId={id} />
      </section>
      <section className="flex flex-col gap-2" aria-label="Snapshots">
        <h2 className="text-lg font-medium">Snapshots</h2>
        <SnapshotPanel projectId={id} initial={listSnapshots(dataDir(), id)} />
      </section>
      <section id="tasks" className="flex scroll-mt-4 flex-col gap-2" aria-label="Tasks">
        <h2 className="text-lg font-medium">Tasks</h2>
        <TaskList
          page={listProjectTasks(db, id, taskQuery.query)}
          query={taskQuery.query}
          issues={taskQuery.issues}
          options={filterOptions}
          path={`/research/projects/${id}`}
          taskHref="/research/tasks/"
        />
      </section>
    </div>
  );
}
