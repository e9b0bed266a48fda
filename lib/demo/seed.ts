// The demo data `npm run demo` seeds into an empty database: accounts and a project ready to rank.
import { count } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type Role } from "../../db/schema";
import { createProject, getProjectByName, type Project } from "../projects";
import { insertTask, type NewTask } from "../tasks";
import { createUser, findUserByEmail } from "../users";

export const DEMO_PASSWORD = "demo";
export const DEMO_PROJECT = "Demo: capitals, sums and words";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "admin@palate.local", name: "Ada Admin", role: "admin" },
  { email: "researcher@palate.local", name: "Rosa Researcher", role: "researcher" },
  { email: "annotator1@palate.local", name: "Annotator One", role: "annotator" },
  { email: "annotator2@palate.local", name: "Annotator Two", role: "annotator" },
  { email: "annotator3@palate.local", name: "Annotator Three", role: "annotator" },
];

export const DEMO_GUIDELINES = `# How to rank

Put the **best** completion first. A good answer is:

1. **Correct** — the fact or the arithmetic is right.
2. **Direct** — it answers the question without padding.
3. **On topic** — it answers *this* question.

Tie two completions when you cannot tell them apart. Mark **none acceptable** when every
completion is wrong, and flag a completion that is harmful, factually wrong or off-topic.
`;

const CAPITALS: [string, string, string][] = [
  ["France", "Paris", "Lyon"],
  ["Japan", "Tokyo", "Osaka"],
  ["Kenya", "Nairobi", "Mombasa"],
  ["Canada", "Ottawa", "Toronto"],
  ["Australia", "Canberra", "Sydney"],
  ["Brazil", "Brasília", "Rio de Janeiro"],
  ["Egypt", "Cairo", "Alexandria"],
  ["Norway", "Oslo", "Bergen"],
  ["Peru", "Lima", "Cusco"],
  ["Vietnam", "Hanoi", "Ho Chi Minh City"],
];

const SUMS: [number, number][] = [
  [7, 5],
  [12, 6],
  [9, 8],
  [14, 3],
  [6, 6],
  [11, 9],
];

const WORDS: [string, string][] = [
  ["river", "a large natural stream of water"],
  ["volcano", "a mountain formed by volcanic material"],
  ["library", "a room where books are kept"],
  ["harbor", "a sheltered port where ships can take on or discharge cargo"],
  ["whale", "any of the larger cetacean mammals having a streamlined body and breathing through a blowhole on the head"],
  ["compass", "navigational instrument for finding directions"],
  ["glacier", "a slowly moving mass of ice"],
  ["orchard", "garden consisting of a small cultivated wood without undergrowth"],
];

function user(content: string) {
  return [{ role: "user" as const, content }];
}

/** The demo tasks: each prompt with four completions of differing quality. */
export function demoTasks(): NewTask[] {
  const tasks: NewTask[] = [];
  for (const [country, capital, other] of CAPITALS) {
    tasks.push({
      messages: user(`What is the capital of ${country}?`),
      completions: [
        { text: `The capital of ${country} is ${capital}.` },
        { text: `${capital}.` },
        { text: `The capital of ${country} is ${other}.` },
        { text: `${country} is a country with a long history, many cities and a varied landscape, and people often ask about it.` },
      ],
    });
  }
  for (const [a, b] of SUMS) {
    tasks.push({
      messages: user(`What is ${a} + ${b}?`),
      completions: [
        { text: `${a} + ${b} = ${a + b}.` },
        { text: `${a + b}` },
        { text: `${a} + ${b} = ${a + b + 1}.` },
        { text: "Let me think about numbers. Numbers are used for counting, and `+` means addition:\n\n```\n" + `${a} + ${b}` + "\n```" },
      ],
    });
  }
  for (const [word, gloss] of WORDS) {
    tasks.push({
      messages: user(`Define the word ${word}.`),
      completions: [
        { text: `**${word}**: ${gloss}.` },
        { text: `"${word}" means ${gloss}.` },
        { text: `"${word}" means the opposite of what most people think: loud and colourful.` },
        { text: `I am not sure. Words have many meanings.` },
      ],
    });
  }
  return tasks;
}

export interface SeedResult {
  seeded: boolean;
  accounts: typeof DEMO_ACCOUNTS;
  project?: Project;
  tasks?: number;
}

/**
 * Seeds the demo accounts and the demo project when the database has no users yet. The
 * project gets `tasks` (default: the fixed demo completions; `palate demo` passes none and
 * samples them from the default model instead).
 */
export async function seedDemo(db: Db, tasks: NewTask[] = demoTasks()): Promise<SeedResult> {
  const existing = db.select({ n: count() }).from(users).get()?.n ?? 0;
  if (existing > 0) return { seeded: false, accounts: DEMO_ACCOUNTS, project: getProjectByName(db, DEMO_PROJECT) };
  for (const account of DEMO_ACCOUNTS) {
    if (!findUserByEmail(db, account.email)) await createUser(db, { ...account, password: DEMO_PASSWORD });
  }
  const project =
    getProjectByName(db, DEMO_PROJECT) ??
    db.transaction((tx) => {
      const created = createProject(tx, {
        name: DEMO_PROJECT,
        guidelines: DEMO_GUIDELINES,
        completionsPerTask: 4,
        redundancy: 3,
      });
      for (const task of tasks) insertTask(tx, created.id, task);
      return created;
    });
  return { seeded: true, accounts: DEMO_ACCOUNTS, project, tasks: tasks.length };
}
