// next-auth: credentials sign-in against the users table, JWT sessions carrying the user's id,
// role and session version. A session whose version is no longer the user's (password or role
// changed, account disabled) carries no user any more, here and in currentUser().
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../../db/client";
import { authenticate, getSessionUser } from "../users";
import { reportSignIn } from "./sign-in-throttle";

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        if (!credentials?.email || !credentials.password) return null;
        const user = await authenticate(getDb(), credentials.email, credentials.password);
        reportSignIn(user !== null);
        return user ? { id: String(user.id), email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion } : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = Number(user.id);
        token.role = user.role;
        token.sv = user.sessionVersion;
      }
      return token;
    },
    session({ session, token }) {
      const user = typeof token.uid === "number" ? getSessionUser(getDb(), token.uid, token.sv ?? 0) : undefined;
      if (!user) return { expires: session.expires };
      return { ...session, user: { id: user.id, role: user.role, name: user.name, email: user.email, sessionVersion: token.sv ?? 0 } };
    },
  },
};
