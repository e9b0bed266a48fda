// The project's model leaderboard: Bradley–Terry ratings on the Elo scale of the models behind
// its completions, from every pair of different models its rankings imply, with 95% bootstrap
// intervals over rankings (lib/quality/leaderboard.ts), as a table and a chart.
import Link from "next/link";
import { notFound } from "next/navigation";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getProject } from "@/lib/projects";
import { getDb } from "@/db/client";
import { leaderboardStatistic } from "@/lib/stats/project-statistics";
import { servedStatistic } from "@/app/components/served-statistics";
import { StatisticsAge } from "@/app/components/statistics-age";
import { DataTable } from "@/app/components/data-table";
import { LeaderboardChart } from "./leaderboard-chart";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

const elo = (x: number | null) => (x === null ? "—" : x.toFixed(0));

export default async function LeaderboardPage({ params }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/leaderboard`);
  const projectId = parseId(rawId);
  // Computed for a small project, else from the statistics cache that a refresh job keeps current.
  const served = projectId === undefined ? undefined : servedStatistic(projectId, leaderboardStatistic);
  const project = served && getProject(getDb(), projectId!);
  if (!served || !project) notFound();
  const board = served.value;
  if (!board)
    return (
      <div className="flex flex-col gap-6">
        <h1 className="text-xl font-semibold">Model leaderboard · {project.name}</h1>
        <StatisticsAge served={served} />
      </div>
    );
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/research" className="text-indigo-700 underline">
          Research
        </Link>{" "}
        /{" "}
        <Link href={`/research/projects/${project.id}`} className="text-indigo-700 underline">
          {project.name}
        </Link>{" "}
        / leaderboard
      </p>
      <div>
        <h1 className="text-xl font-semibold">Model leaderboard</h1>
        <p className="text-sm text-slate-600">
          Bradley–Terry ratings of the models behind this project&apos;s completions, from every pair of completions of two different models that a ranking
          implies (the better-ranked one wins, a tie counts half to each side), on the Elo scale: 400 points is 10:1 odds, the mean is 1000. The interval is a
          95% percentile bootstrap over rankings ({board.bootstrap.resamples} resamples, seed {board.bootstrap.seed}).
        </p>
        <StatisticsAge served={served} />
      </div>
      {board.models.length > 0 && <LeaderboardChart models={board.models} />}
      <DataTable
        testId="leaderboard"
        headers={["Rank", "Model", "Elo", "95% interval", "Comparisons", "Wins", "Losses", "Ties"]}
        isEmpty={board.models.length === 0}
        empty="No ranking compares completions of two different models yet (completions carry their model when imported or generated)."
      >
        {board.models.map((m) => (
          <tr key={m.model} className="border-t border-slate-100 [&>td]:py-1.5" data-testid={`leaderboard-${m.model}`}>
            <td className="pr-3">{m.rank}</td>
            <td className="pr-3 font-medium">{m.model}</td>
            <td className="pr-3 tabular-nums">{elo(m.rating)}</td>
            <td className="pr-3 tabular-nums">{m.lower === null ? "—" : `${elo(m.lower)} – ${elo(m.upper)}`}</td>
            <td className="pr-3 tabular-nums">{m.comparisons}</td>
            <td className="pr-3 tabular-nums">{m.wins}</td>
            <td className="pr-3 tabular-nums">{m.losses}</td>
            <td className="pr-3 tabular-nums">{m.ties}</td>
          </tr>
        ))}
      </DataTable>
      <p className="text-sm text-slate-600" data-testid="leaderboard-counts">
        {board.comparisons} comparisons from {board.rankingsUsed} of {board.rankings} rankings
        {board.sameModelPairs > 0 && `; ${board.sameModelPairs} pairs of one model's completions left out`}
        {board.unattributedPairs > 0 && `; ${board.unattributedPairs} pairs with a completion without a model left out`}.
      </p>
    </div>
  );
}
