// The `project-stats` job's parameters: which project's cached statistics to refresh
// (lib/jobs/kinds/project-stats.ts runs it; served-statistic.ts queues it).
import { z } from "zod";

export const PROJECT_STATS_JOB_KIND = "project-stats";

export const projectStatsJobParamsSchema = z.object({ projectId: z.number().int().positive() }).strict();
export type ProjectStatsJobParams = z.infer<typeof projectStatsJobParamsSchema>;
