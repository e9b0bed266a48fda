// Who may do what: the role sets used by pages and route handlers.
import type { Role } from "../../db/schema";

export type { Role };
export { ROLES } from "../../db/schema";

export const ADMIN: readonly Role[] = ["admin"];
/** Reading everything: admins, and researchers read-only. */
export const STAFF: readonly Role[] = ["admin", "researcher"];
export const ANNOTATOR: readonly Role[] = ["annotator"];
export const ANYONE: readonly Role[] = ["admin", "researcher", "annotator"];

/** The page a role lands on after sign-in. */
export function homeFor(role: Role): string {
  return role === "admin" ? "/admin" : role === "researcher" ? "/research" : "/annotate";
}
