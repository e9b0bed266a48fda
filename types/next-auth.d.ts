import type { Role } from "../db/schema";

declare module "next-auth" {
  interface User {
    role: Role;
    sessionVersion: number;
  }
  interface Session {
    /** Absent when the session has ended (account disabled, password or role changed). */
    user?: { id: number; role: Role; name?: string | null; email?: string | null; sessionVersion: number };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid: number;
    role: Role;
    /** users.session_version when the session began (absent in sessions from before it existed: 0). */
    sv?: number;
  }
}
