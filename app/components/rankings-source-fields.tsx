"use client";

// Which rankings a model learns from, as the reward-model and DPO forms offer it: a dataset
// snapshot of the project (when it has one) or its live rankings — every round's or the latest
// round's, every annotator's, the reviewed ones or one aggregated per task (Borda, Kemeny), with
// or without annotators paused by their gold accuracy (lib/quality/counted-rankings.ts). The
// inputs are named as the jobs' parameters are (snapshot, rounds, rankings, includePaused);
// readRankingsSource turns them into those parameters.

import type { ApiIssue } from "./api-client";
import { FieldError } from "./field-issues";

const input = "rounded border border-slate-300 px-2 py-1";

export type RoundsChoice = "all" | "latest";

export interface SnapshotOption {
  name: string;
  hash: string;
  rankings: number;
}

/** The API fields these inputs show issues for. */
export const RANKINGS_SOURCE_FIELDS = ["params.rounds", "params.rankings", "params.aggregate", "params.includePaused", "params.snapshot"] as const;

/** The job parameters of the submitted choice: a snapshot alone, or the live rankings' selection. */
export function readRankingsSource(
  data: FormData,
  snapshot: string,
): { snapshot: string } | { rounds: RoundsChoice; rankings: string; aggregate: string; includePaused: boolean } {
  // A snapshot's rankings were chosen when it was taken: no round or selection goes with it.
  if (snapshot) return { snapshot };
  const rounds = (String(data.get("rounds") ?? "all") === "latest" ? "latest" : "all") as RoundsChoice;
  const selection = String(data.get("rankings") ?? "every");
  const [rankings, aggregate] = selection.startsWith("aggregated-") ? ["aggregated", selection.slice("aggregated-".length)] : [selection, "borda"];
  return { rounds, rankings, aggregate, includePaused: data.get("includePaused") === "on" };
}

export function RankingsSourceFields({
  snapshots,
  snapshot,
  onSnapshot,
  rounds,
  onRounds,
  latestRound,
  learner,
  issues,
}: {
  snapshots: readonly SnapshotOption[];
  snapshot: string;
  onSnapshot: (name: string) => void;
  rounds: RoundsChoice;
  onRounds: (rounds: RoundsChoice) => void;
  /** The project's latest round of the loop (1 before any "next round"). */
  latestRound: number;
  /** What learns from them, in a sentence: "the reward model", "the policy". */
  learner: string;
  issues: readonly ApiIssue[];
}) {
  const Learner = learner.charAt(0).toUpperCase() + learner.slice(1);
  return (
    <>
      {snapshots.length > 0 && (
        <div className="flex flex-col gap-1 text-sm">
          <label className="flex flex-col gap-1">
            Dataset
            <select
              name="snapshot"
              className={`${input} max-w-md`}
              value={snapshot}
              onChange={(e) => onSnapshot(e.target.value)}
              aria-describedby="help-snapshot"
            >
              <option value="">the project&apos;s rankings now</option>
              {snapshots.map((s) => (
                <option key={s.name} value={s.name}>{`snapshot ${s.name} (${s.rankings} rankings, ${s.hash.slice(0, 12)}…)`}</option>
              ))}
            </select>
          </label>
          <span id="help-snapshot" className="text-xs text-slate-500">
            A snapshot is a frozen, hashed export: {learner} learns from its rankings and is evaluated on its test split (the validation fraction is not used),
            and its lineage records the snapshot&apos;s hash.
          </span>
          <FieldError issues={issues} field="params.snapshot" />
        </div>
      )}

      <div className="flex flex-col gap-1 text-sm">
        <label className="flex flex-col gap-1">
          Rankings from
          <select
            name="rounds"
            className={`${input} max-w-md`}
            value={rounds}
            disabled={snapshot !== ""}
            onChange={(e) => onRounds(e.target.value === "latest" ? "latest" : "all")}
            aria-describedby="help-rounds"
          >
            <option value="all">{latestRound > 1 ? `every round (1–${latestRound})` : "every round"}</option>
            <option value="latest">{`the latest round only (round ${latestRound})`}</option>
          </select>
        </label>
        <span id="help-rounds" className="text-xs text-slate-500">
          {`Which rounds of this project's loop ${learner} learns from: every round's rankings, or only those of the latest round's tasks (sampled from the newest policy). Default: every round.`}
        </span>
        <FieldError issues={issues} field="params.rounds" />
      </div>

      <div className="flex flex-col gap-1 text-sm">
        <label className="flex flex-col gap-1">
          Which rankings count
          <select name="rankings" className={`${input} max-w-md`} defaultValue="every" disabled={snapshot !== ""} aria-describedby="help-rankings">
            <option value="every">every annotator&apos;s ranking</option>
            <option value="reviewed">the reviewed ranking where a task has one</option>
            <option value="aggregated-borda">one ranking per task, aggregated (Borda)</option>
            <option value="aggregated-kemeny">one ranking per task, aggregated (Kemeny)</option>
          </select>
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="includePaused" disabled={snapshot !== ""} />
          include annotators paused by their gold accuracy
        </label>
        <span id="help-rankings" className="text-xs text-slate-500">
          Reviewed: a reviewer&apos;s final ranking replaces the task&apos;s annotators&apos; rankings. Aggregated: Borda sums each completion&apos;s places;
          Kemeny finds the ranking closest to all of them. Paused annotators&apos; rankings are left out unless included. {Learner} learns from every pair each
          counted ranking implies.
        </span>
        <FieldError issues={issues} field="params.rankings" />
        <FieldError issues={issues} field="params.aggregate" />
        <FieldError issues={issues} field="params.includePaused" />
      </div>
    </>
  );
}
