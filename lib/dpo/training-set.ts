// Where DPO's preference pairs come from: the project's rankings (the reward model's training
// set, lib/reward/training-set.ts: the same choice of which rankings count, rounds, "none
// acceptable" and equal texts left out), a dataset snapshot of the project (its test split
// held out), or a `trl` preference file. Each gives reward-data.ts's examples; the trainer
// (lib/ml/rl/train-dpo.ts) turns every pair they imply into a DPO pair and splits by prompt.
import type { Db } from "../../db/client";
import type { RankingExample } from "../ml/rl/reward-data";
import type { RankingSelection } from "../quality/counted-rankings";
import { loadSnapshotTrainingSet, type SnapshotRef } from "../reward/snapshot-training-set";
import { loadTrainingSet } from "../reward/training-set";
import { taskRounds } from "../rounds/rounds";
import type { DpoJobParams } from "./job-params";
import { readTrlPairs } from "./trl-pairs";

/** What the lineage records of the pairs' source. */
export type DpoSource =
  | {
      kind: "rankings";
      selection: RankingSelection;
      rounds: "all" | "latest";
      roundsUsed: number[];
      rankings: number;
      comparisons: number;
      rankingsHash: string;
      noneAcceptableLeftOut: number;
      pausedLeftOut: number;
      equalPairsSkipped: number;
    }
  | {
      kind: "snapshot";
      snapshot: Omit<SnapshotRef, "dir">;
      rankings: number;
      comparisons: number;
      rankingsHash: string;
      noneAcceptableLeftOut: number;
      equalPairsSkipped: number;
    }
  | { kind: "trl"; file: string; hash: string; rows: number; equalPairsSkipped: number };

export interface DpoTrainingSet {
  examples: RankingExample[];
  /** The held-out prompts fixed by the source (a snapshot's test split); null: the config's seeded split. */
  heldOutPromptKeys: string[] | null;
  source: DpoSource;
  /** One line for the job's log. */
  description: string;
}

type SourceParams = Pick<DpoJobParams, "rounds" | "rankings" | "aggregate" | "includePaused" | "trlFile" | "config">;

/**
 * The examples of a DPO job: from `snapshotPath` (a snapshot folder) or `params.trlFile` when
 * given, else from project `projectId`'s rankings.
 */
export async function loadDpoTrainingSet(db: Db, projectId: number, params: SourceParams, snapshotPath: string | null): Promise<DpoTrainingSet> {
  const includeNoneAcceptable = params.config.includeNoneAcceptable;
  if (params.trlFile !== undefined) {
    const t = readTrlPairs(params.trlFile);
    return {
      examples: t.examples,
      heldOutPromptKeys: null,
      source: { kind: "trl", file: params.trlFile, hash: t.hash, rows: t.rows, equalPairsSkipped: t.equalPairsSkipped },
      description:
        `${t.rows} rows of the trl file ${params.trlFile} (sha256 ${t.hash.slice(0, 12)}…)` +
        (t.equalPairsSkipped > 0 ? `; ${t.equalPairsSkipped} with chosen = rejected left out` : ""),
    };
  }
  if (snapshotPath !== null) {
    const s = await loadSnapshotTrainingSet(snapshotPath, { includeNoneAcceptable, projectId, roundOfTask: taskRounds(db, projectId) });
    const { dir: _dir, ...snapshot } = s.snapshot;
    return {
      examples: s.examples,
      heldOutPromptKeys: s.heldOutPromptKeys,
      source: {
        kind: "snapshot",
        snapshot,
        rankings: s.rankings,
        comparisons: s.comparisons,
        rankingsHash: s.rankingsHash,
        noneAcceptableLeftOut: s.noneAcceptableLeftOut,
        equalPairsSkipped: s.equalPairsSkipped,
      },
      description: `snapshot ${snapshot.name} of "${snapshot.project.name}" (hash ${snapshot.hash}), its test split held out: ${s.rankings} rankings, ${s.comparisons} comparisons`,
    };
  }
  const set = loadTrainingSet(db, projectId, {
    includeNoneAcceptable,
    rounds: params.rounds,
    selection: { rankings: params.rankings, aggregate: params.aggregate, includePaused: params.includePaused },
  });
  return {
    examples: set.examples,
    heldOutPromptKeys: null,
    source: {
      kind: "rankings",
      selection: set.selection,
      rounds: params.rounds,
      roundsUsed: set.roundsUsed,
      rankings: set.rankings,
      comparisons: set.comparisons,
      rankingsHash: set.rankingsHash,
      noneAcceptableLeftOut: set.noneAcceptableLeftOut,
      pausedLeftOut: set.pausedLeftOut,
      equalPairsSkipped: set.equalPairsSkipped,
    },
    description:
      `${set.rankings} rankings of ${set.examples.length} tasks (${set.comparisons} comparisons; ${set.selection.rankings} rankings` +
      `${set.selection.rankings === "aggregated" ? ` by ${set.selection.aggregate}` : ""}` +
      `${set.noneAcceptableLeftOut > 0 ? `; ${set.noneAcceptableLeftOut} "none acceptable" left out` : ""}` +
      `${set.pausedLeftOut > 0 ? `; ${set.pausedLeftOut} of paused annotators left out` : ""}` +
      `${set.equalPairsSkipped > 0 ? `; ${set.equalPairsSkipped} pairs of equal texts left out` : ""})`,
  };
}
