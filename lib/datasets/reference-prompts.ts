// A project's prompts that carry a reference answer (metadata.reference, lib/rewards/reference.ts),
// for the trainers and samplers that score answers by rule (GRPO's accuracy reward, best-of-n by
// rules, SFT's exact-answer checks). Oldest first; prompts without a reference are left out.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { prompts, type Message } from "../../db/schema";
import { referenceOf } from "../rewards/reference";

export interface ReferencePrompt {
  promptId: number;
  messages: Message[];
  reference: string;
}

/** SQL for "metadata.reference is a reference" (referenceOf: a number, or a string with more than whitespace). */
const HAS_REFERENCE = sql`json_valid(${prompts.metadata}) AND (json_type(${prompts.metadata}, '$.reference') IN ('integer', 'real')
  OR (json_type(${prompts.metadata}, '$.reference') = 'text' AND trim(json_extract(${prompts.metadata}, '$.reference'), ' ' || char(9, 10, 13)) <> ''))`;

export function referencePrompts(db: Db, projectId: number): ReferencePrompt[] {
  const rows = db
    .select({ id: prompts.id, messages: prompts.messages, metadata: prompts.metadata })
    .from(prompts)
    .where(and(eq(prompts.projectId, projectId), HAS_REFERENCE))
    .orderBy(asc(prompts.id))
    .all();
  const out: ReferencePrompt[] = [];
  for (const row of rows) {
    const reference = referenceOf(row.metadata);
    if (reference !== null) out.push({ promptId: row.id, messages: row.messages, reference });
  }
  return out;
}

/** How many prompts of the project carry a reference answer (for forms: "GRPO needs prompts with references"). */
export function countReferencePrompts(db: Db, projectId: number): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(prompts)
      .where(and(eq(prompts.projectId, projectId), HAS_REFERENCE))
      .get()?.n ?? 0
  );
}
