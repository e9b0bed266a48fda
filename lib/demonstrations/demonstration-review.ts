// Reviewing demonstrations: reviewers, researchers and admins list a project's submitted
// demonstrations and accept or reject each (a minimal decision with an optional comment; the
// latest decision stands). The SFT export can keep only accepted ones (lib/datasets/sft-writer.ts).
// Drafts are never listed: they are their writer's alone.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { demonstrations, prompts, tasks, users, type DemonstrationReview, type Message } from "../../db/schema";
import type { Demonstration } from "./demonstration-store";
import type { DemonstrationReviewBody } from "./demonstration-body";

export interface ListedDemonstration {
  id: number;
  taskId: number;
  promptId: number;
  messages: Message[];
  text: string;
  annotator: { id: number; name: string };
  source: Demonstration["source"];
  review: DemonstrationReview;
  reviewComment: string | null;
  submittedAt: number | null;
}

/** The project's submitted demonstrations, newest first, optionally in one review state. */
export function listDemonstrations(db: Db, projectId: number, options: { review?: DemonstrationReview; limit?: number } = {}): ListedDemonstration[] {
  const rows = db
    .select({
      id: demonstrations.id,
      taskId: demonstrations.taskId,
      promptId: tasks.promptId,
      messages: prompts.messages,
      text: demonstrations.text,
      userId: users.id,
      name: users.name,
      source: demonstrations.source,
      review: demonstrations.review,
      reviewComment: demonstrations.reviewComment,
      submittedAt: demonstrations.submittedAt,
    })
    .from(demonstrations)
    .innerJoin(tasks, eq(tasks.id, demonstrations.taskId))
    .innerJoin(prompts, eq(prompts.id, tasks.promptId))
    .innerJoin(users, eq(users.id, demonstrations.userId))
    .where(and(eq(tasks.projectId, projectId), eq(demonstrations.status, "submitted"), options.review ? eq(demonstrations.review, options.review) : undefined))
    .orderBy(desc(demonstrations.id))
    .limit(options.limit ?? 200)
    .all();
  return rows.map(({ userId, name, ...r }) => ({ ...r, annotator: { id: userId, name } }));
}

export type ReviewResult = { ok: true; demonstration: Demonstration } | { ok: false; status: 403 | 404; error: string };

/** Accepts or rejects a submitted demonstration of the project. Nobody reviews their own. */
export function reviewDemonstration(
  db: Db,
  projectId: number,
  demonstrationId: number,
  reviewerId: number,
  body: DemonstrationReviewBody,
  now: number = Date.now(),
): ReviewResult {
  return db.transaction(
    (tx): ReviewResult => {
      const row = tx
        .select({ id: demonstrations.id, userId: demonstrations.userId, status: demonstrations.status, projectId: tasks.projectId })
        .from(demonstrations)
        .innerJoin(tasks, eq(tasks.id, demonstrations.taskId))
        .where(eq(demonstrations.id, demonstrationId))
        .get();
      if (!row || row.projectId !== projectId || row.status !== "submitted")
        return { ok: false, status: 404, error: `no submitted demonstration ${demonstrationId} in this project` };
      if (row.userId === reviewerId) return { ok: false, status: 403, error: "you cannot review your own demonstration" };
      const updated = tx
        .update(demonstrations)
        .set({ review: body.decision, reviewerId, reviewComment: body.comment ?? null, reviewedAt: now })
        .where(eq(demonstrations.id, demonstrationId))
        .returning()
        .get();
      return { ok: true, demonstration: updated };
    },
    { behavior: "immediate" },
  );
}
