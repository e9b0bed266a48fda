// The rounds of a project's loop (lib/rounds/rounds.ts roundsTable), one row per round: the
// models its tasks were sampled from, tasks and rankings collected, the reward model trained at
// that round with its held-out accuracy (on how many pairs), the PPO policy trained at that round
// with its held-out score and KL, and — where the round's tasks mix two models — how often the
// annotators preferred the newer one: always with its Wilson 95% interval and the number of
// pairs, never a bare percentage. No hooks.
import Link from "next/link";
import type { HeadToHead, RoundRow } from "@/lib/rounds/rounds";
import { wilsonInterval } from "@/lib/stats/wilson";
import { DataTable } from "@/app/components/data-table";
import { fixed, percent } from "@/app/components/reward-model-info";

/** "policy-1 preferred in 55.0% [40.1%, 69.0%] of 40 pairs (22–18) vs default-sft"; "no pairs ranked yet" without any. */
export function headToHeadText(h: HeadToHead): string {
  const n = h.wins + h.losses;
  if (h.winRate === null || h.interval === null || n === 0) return `${h.model} vs ${h.against}: no pairs ranked yet`;
  return `${h.model} preferred in ${percent(h.winRate)} [${percent(h.interval[0])}, ${percent(h.interval[1])}] of ${n} pair${n === 1 ? "" : "s"} (${h.wins}–${h.losses}) vs ${h.against}`;
}

/** "72.5% on 40 held-out pairs [57.2%, 83.9%]"; the accuracy is never shown without its pair count and Wilson 95% interval. */
export function heldOutAccuracyText(rm: NonNullable<RoundRow["rewardModel"]>): string {
  if (rm.evalAccuracy === null) return "no held-out accuracy";
  if (rm.evalPairs === null || rm.evalPairs === 0) return "no held-out pairs";
  const [lo, hi] = wilsonInterval(rm.evalAccuracy * rm.evalPairs, rm.evalPairs)!;
  return `${percent(rm.evalAccuracy)} on ${rm.evalPairs} held-out pair${rm.evalPairs === 1 ? "" : "s"} [${percent(lo)}, ${percent(hi)}]`;
}

function ModelLink({ id, name }: { id: number; name: string }) {
  return (
    <Link href={`/research/models/${id}`} className="text-indigo-700 underline">
      {name}
    </Link>
  );
}

export function RoundsTable({ rows }: { rows: RoundRow[] }) {
  return (
    <DataTable
      testId="rounds"
      headers={[
        "Round",
        "Sampled from (completions)",
        "Tasks",
        "Rankings (pairs)",
        "Reward model (held-out accuracy)",
        "PPO policy (held-out score, KL)",
        "Head to head (95% interval)",
      ]}
      isEmpty={rows.length === 0}
      empty="No tasks in this project yet."
    >
      {rows.map((r) => {
        const h = r.headToHead;
        return (
          <tr key={r.round} className="border-t border-slate-100 align-top [&>td]:py-1.5" data-testid={`round-${r.round}`}>
            <td className="pr-3 font-medium">{r.round}</td>
            <td className="pr-3">
              {r.sampledFrom.length === 0
                ? "—"
                : r.sampledFrom.map((s, i) => (
                    <span key={s.model} className="whitespace-nowrap">
                      {i > 0 && " · "}
                      {s.model} <span className="text-slate-500">({s.completions})</span>
                    </span>
                  ))}
            </td>
            <td className="pr-3">{r.tasks}</td>
            <td className="pr-3">
              {r.rankings} <span className="text-slate-500">({r.comparisons})</span>
            </td>
            <td className="pr-3" data-testid="round-reward-model">
              {r.rewardModel ? (
                <>
                  <ModelLink {...r.rewardModel} />
                  <span className="block text-xs text-slate-500">{heldOutAccuracyText(r.rewardModel)}</span>
                </>
              ) : (
                "—"
              )}
            </td>
            <td className="pr-3" data-testid="round-policy">
              {r.policy ? (
                <>
                  <ModelLink {...r.policy} />
                  <span className="block text-xs text-slate-500">
                    {r.policy.evalScore === null ? "no held-out evaluation" : `score ${fixed(r.policy.evalScore)} · KL ${fixed(r.policy.evalKl)}`}
                  </span>
                </>
              ) : (
                "—"
              )}
            </td>
            <td className="pr-3" data-testid="round-head-to-head">
              {h ? (
                headToHeadText(h)
              ) : (
                <span className="text-slate-500" title="The round's tasks do not mix two models">
                  —
                </span>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}
