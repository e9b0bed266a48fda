// The statistics of a project that pages show and the cache keeps (statistics-cache.ts), each a
// name, a compute function over the database, and the size up to which a view computes it at
// once instead of serving the cache (small projects show figures the moment a ranking lands).
// The refresh job (lib/jobs/kinds/project-stats.ts) recomputes every one of them.
import type { Db } from "../../db/client";
import { demonstrationStats, type DemonstrationStats } from "../demonstrations/demonstration-stats";
import { projectStats, type ProjectStats } from "../labeling/project-stats";
import { taskFilterOptions, type TaskFilterOptions } from "../labeling/task-filter-query";
import { getProject } from "../projects";
import { projectAgreement, type ProjectAgreement } from "../quality/project-agreement";
import { projectLeaderboard, type ProjectLeaderboard } from "../quality/project-leaderboard";
import { reviewCandidates, type ReviewCandidate } from "../quality/review-store";
import { roundCounts, type RoundRow } from "../rounds/rounds";

export interface ProjectStatistic<T = unknown> {
  name: string;
  /** Projects with at most this many tasks compute it on each view (a few ms there). */
  inlineMaxTasks: number;
  /** The value; undefined when the project does not exist. */
  compute(db: Db, projectId: number): T | undefined;
}

/** Progress, per-annotator counts and pairwise agreement (project pages, /research, the stats route). */
export const projectStatsStatistic: ProjectStatistic<ProjectStats> = {
  name: "stats",
  inlineMaxTasks: 5000,
  compute: projectStats,
};

/** Krippendorff's α, τ-b and the heat map with their default bootstrap (the quality page). */
export const agreementStatistic: ProjectStatistic<ProjectAgreement> = {
  name: "agreement",
  inlineMaxTasks: 500,
  compute: (db, projectId) => projectAgreement(db, projectId),
};

/** The model leaderboard with its default bootstrap (the leaderboard page). */
export const leaderboardStatistic: ProjectStatistic<ProjectLeaderboard> = {
  name: "leaderboard",
  inlineMaxTasks: 2000,
  compute: (db, projectId) => projectLeaderboard(db, projectId),
};

/** The rounds table's counts per round (the research project page; lib/rounds/rounds.ts withRoundModels adds the models). */
export const roundsStatistic: ProjectStatistic<RoundRow[]> = {
  name: "rounds",
  inlineMaxTasks: 2000,
  compute: (db, projectId) => (getProject(db, projectId) ? roundCounts(db, projectId) : undefined),
};

/** The models and rounds the task list's filters offer (the research project page). */
export const taskFilterOptionsStatistic: ProjectStatistic<TaskFilterOptions> = {
  name: "task-filter-options",
  inlineMaxTasks: 5000,
  compute: (db, projectId) => (getProject(db, projectId) ? taskFilterOptions(db, projectId) : undefined),
};

/** The tasks the review rule picks with their signals (the review pages add the reviewers' decisions live: review-store.ts reviewQueueFrom). */
export const reviewCandidatesStatistic: ProjectStatistic<ReviewCandidate[]> = {
  name: "review-candidates",
  inlineMaxTasks: 2000,
  compute: (db, projectId) => {
    const project = getProject(db, projectId);
    return project ? reviewCandidates(db, project) : undefined;
  },
};

/**
 * Demonstrations by state and annotator, answer lengths and prompts covered (the project pages and
 * the stats route, where the project collects demonstrations or has some). Aggregate queries over
 * the project's demonstrations, a few ms at thousands of tasks.
 */
export const demonstrationStatsStatistic: ProjectStatistic<DemonstrationStats> = {
  name: "demonstrations",
  inlineMaxTasks: 5000,
  compute: demonstrationStats,
};

/** Every statistic the refresh job keeps current, the project pages' first (each is written as soon as it is done). */
export const PROJECT_STATISTICS: readonly ProjectStatistic[] = [
  projectStatsStatistic,
  demonstrationStatsStatistic,
  taskFilterOptionsStatistic,
  roundsStatistic,
  reviewCandidatesStatistic,
  leaderboardStatistic,
  agreementStatistic,
];
