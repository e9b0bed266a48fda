// Who may cancel a job: admins any job; others a job of a kind their role may start
// (researchers: reward-model training and scoring). Shared by the cancel route and the job page.
import type { Role } from "@/lib/auth/roles";
import { JOB_START_ROLES, mayStartJob, type NewJobRequest } from "@/lib/jobs/views";

function isStartableKind(kind: string): kind is NewJobRequest["kind"] {
  return Object.hasOwn(JOB_START_ROLES, kind);
}

export function mayCancelJob(role: Role, kind: string): boolean {
  return role === "admin" || (isStartableKind(kind) && mayStartJob(role, kind));
}
