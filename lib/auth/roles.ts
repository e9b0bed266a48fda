// Who may do what: the role sets used by pages and route handlers.
import type { Role } from "../../db/schema";

export type { Role };
export { ROLES } from "../../db/schema";

export const ADMIN: readonly Role[] = ["admin"];
/** Reading everything: admins, and researchers read-only. */
export const STAFF: readonly Role[] = ["admin", "researcher"];
/** Doing the ranking work: annotators, and reviewers (who are annotators that may also review). */
export const ANNOTATOR: readonly Role[] = ["annotator", "reviewer"];
/** Reviewing tasks (the review queue, final rankings, send-backs): reviewers, researchers and admins. */
export const REVIEWER: readonly Role[] = ["admin", "researcher", "reviewer"];
export const ANYONE: readonly Role[] = ["admin", "researcher", "reviewer", "annotator"];

/** True for the roles that see only their own rankings and assignments (annotators and reviewers, when annotating). */
export function seesOnlyOwnWork(role: Role): boolean {
  return ANNOTATOR.includes(role);
}

/** The page a role lands on after sign-in. */
export function homeFor(role: Role): string {
  return role === "admin" ? "/admin" : role === "researcher" ? "/research" : "/annotate"; // a reviewer annotates too; the nav bar links the review queue
}
