// Pairwise mode: each answer's stored ranking and strength, the checks, submitting on a real
// SQLite database, and the strength exported as TRL's margin.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { rankings, users } from "@/db/schema";
import { exportRows } from "@/lib/datasets/export";
import { parseOpenRlhfLine } from "@/lib/datasets/openrlhf-format";
import { parseTrlLine } from "@/lib/datasets/trl-format";
import { requestAssignment } from "@/lib/labeling/assignment-store";
import { assignmentPayload } from "@/lib/labeling/assignment-view";
import { PAIRWISE_ANSWERS, checkStrength, pairwiseAnswerOf, pairwiseAnswerOfKey, pairwiseRanking } from "@/lib/labeling/pairwise";
import { rankingSubmissionSchema } from "@/lib/labeling/submission";
import { submitRanking } from "@/lib/labeling/submission-store";
import { ProjectSettingsError, createProject, updateProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

const A = 11;
const B = 12;

describe("pairwiseRanking", () => {
  it("stores each answer as an ordinary ranking with its strength", () => {
    expect(pairwiseRanking("a-much-better", A, B)).toEqual({ groups: [[A], [B]], noneAcceptable: false, strength: 2 });
    expect(pairwiseRanking("a-better", A, B)).toEqual({ groups: [[A], [B]], noneAcceptable: false, strength: 1 });
    expect(pairwiseRanking("tie", A, B)).toEqual({ groups: [[A, B]], noneAcceptable: false, strength: 0 });
    expect(pairwiseRanking("b-better", A, B)).toEqual({ groups: [[B], [A]], noneAcceptable: false, strength: 1 });
    expect(pairwiseRanking("b-much-better", A, B)).toEqual({ groups: [[B], [A]], noneAcceptable: false, strength: 2 });
    expect(pairwiseRanking("both-bad", A, B)).toEqual({ groups: [[A, B]], noneAcceptable: true, strength: 0 });
  });

  it("reads every answer back from what it stored, and keys 1–5 and N choose them", () => {
    for (const answer of PAIRWISE_ANSWERS) expect(pairwiseAnswerOf(pairwiseRanking(answer, A, B), A)).toBe(answer);
    expect(["1", "2", "3", "4", "5", "n", "N"].map(pairwiseAnswerOfKey)).toEqual([...PAIRWISE_ANSWERS.slice(0, 5), "both-bad", "both-bad"]);
    expect(pairwiseAnswerOfKey("6")).toBeNull();
    expect(pairwiseAnswerOf({ groups: [[A], [B]], noneAcceptable: false, strength: null }, A)).toBeNull();
  });

  it("checks the strength against the task", () => {
    for (const answer of PAIRWISE_ANSWERS) expect(checkStrength(pairwiseRanking(answer, A, B), true)).toEqual([]);
    expect(checkStrength({ groups: [[A], [B]], noneAcceptable: false }, true)[0].field).toBe("strength");
    expect(checkStrength({ groups: [[A, B]], noneAcceptable: false, strength: 2 }, true)[0].field).toBe("strength");
    expect(checkStrength({ groups: [[A], [B]], noneAcceptable: false, strength: 0 }, true)[0].field).toBe("strength");
    expect(checkStrength({ groups: [[A], [B]], noneAcceptable: true, strength: 1 }, true)[0].field).toBe("noneAcceptable");
    expect(checkStrength({ groups: [[A], [B]], noneAcceptable: false, strength: 1 }, false)[0].field).toBe("strength");
    expect(checkStrength({ groups: [[A], [B]], noneAcceptable: false, strength: null }, false)).toEqual([]);
  });
});

describe("pairwise projects on a real database", () => {
  let temp: ReturnType<typeof tempDb>;
  let db: Connection;
  beforeEach(() => {
    temp = tempDb();
    db = temp.db;
  });
  afterEach(() => temp.cleanup());

  const annotator = (name: string) =>
    db
      .insert(users)
      .values({ email: `${name}@t.local`, name, role: "annotator" })
      .returning()
      .get().id;

  it("needs K = 2 to turn pairwise mode on, naming the field", () => {
    expect(() => createProject(db, { name: "p4", mode: "pairwise" })).toThrow(ProjectSettingsError);
    const p = createProject(db, { name: "p", completionsPerTask: 3 });
    expect(() => updateProject(db, p.id, { mode: "pairwise" })).toThrow(/^mode: pairwise mode compares two completions per task; set completionsPerTask to 2/);
    expect(updateProject(db, p.id, { mode: "pairwise", completionsPerTask: 2 })!.mode).toBe("pairwise");
    expect(() => updateProject(db, p.id, { completionsPerTask: 4 })).toThrow(ProjectSettingsError);
  });

  it("stores a submitted answer's strength; a pair row exports it as margin (2 much better, 1 better; ties no pair)", () => {
    const project = createProject(db, { name: "pw", mode: "pairwise", completionsPerTask: 2, redundancy: 1 });
    const tasks = ["much", "better", "tie", "bad"].map((q) =>
      insertTask(db, project.id, { messages: [{ role: "user", content: q }], completions: [{ text: `${q} one` }, { text: `${q} two` }] }),
    );
    const answers = ["a-much-better", "b-better", "tie", "both-bad"] as const;
    const u = annotator("ann");
    for (const answer of answers) {
      const got = requestAssignment(db, project.id, u, Date.now(), () => 0.99)!;
      const payload = assignmentPayload(db, got.assignment, got.resumed, u);
      expect(payload.task.pairwise).toBe(true);
      const [a, b] = payload.task.completions;
      const res = submitRanking(
        db,
        got.assignment.taskId,
        u,
        rankingSubmissionSchema.parse({ ...pairwiseRanking(answer, a.id, b.id), assignmentId: got.assignment.id }),
      );
      expect(res.ok).toBe(true);
    }
    const stored = db.select().from(rankings).orderBy(rankings.taskId).all();
    expect(stored.map((r) => [r.strength, r.noneAcceptable, r.groups.length])).toEqual([
      [2, false, 2],
      [1, false, 2],
      [0, false, 1],
      [0, true, 1],
    ]);
    const trl = [...exportRows(db, project.id, { format: "trl" })] as { prompt: string; margin: number }[];
    expect(trl.map((r) => [r.prompt, r.margin])).toEqual([
      ["much", 2],
      ["better", 1],
    ]);
    const openrlhf = [...exportRows(db, project.id, { format: "openrlhf" })] as { margin: number }[];
    expect(openrlhf.map((r) => r.margin)).toEqual([2, 1]);
    const conversational = [...exportRows(db, project.id, { format: "trl-conversational" })] as { margin: number }[];
    expect(conversational.map((r) => r.margin)).toEqual([2, 1]);
    expect(tasks).toHaveLength(4);

    // A submission without a strength on a pairwise task is refused, naming the field.
    const t = insertTask(db, project.id, { messages: [{ role: "user", content: "more" }], completions: [{ text: "x" }, { text: "y" }] });
    const got = requestAssignment(db, project.id, u, Date.now(), () => 0.99)!;
    expect(got.assignment.taskId).toBe(t.taskId);
    const res = submitRanking(db, t.taskId, u, rankingSubmissionSchema.parse({ groups: [[t.completionIds[0]], [t.completionIds[1]]] }));
    expect(res.ok || res.issues?.map((i) => i.field)).toEqual(["strength"]);
  });

  it("asks a task with three completions in a pairwise project as a ranking, without a strength", () => {
    const project = createProject(db, { name: "pw3", mode: "pairwise", completionsPerTask: 2, redundancy: 1 });
    const t = insertTask(db, project.id, { messages: [{ role: "user", content: "q" }], completions: [{ text: "x" }, { text: "y" }, { text: "z" }] });
    const u = annotator("ann3");
    const got = requestAssignment(db, project.id, u, Date.now(), () => 0.99)!;
    expect(assignmentPayload(db, got.assignment, got.resumed, u).task.pairwise).toBe(false);
    const groups = t.completionIds.map((id) => [id]);
    const refused = submitRanking(db, t.taskId, u, rankingSubmissionSchema.parse({ groups, strength: 1 }));
    expect(refused.ok || refused.issues?.map((i) => i.field)).toEqual(["strength"]);
    const ok = submitRanking(db, t.taskId, u, rankingSubmissionSchema.parse({ groups }));
    expect(ok.ok && ok.ranking.strength).toBeNull();
  });

  it("exports ranking-mode projects without a margin column, and 0 for rankings without a strength once any has one", () => {
    const project = createProject(db, { name: "rk", redundancy: 2 });
    const t = insertTask(db, project.id, { messages: [{ role: "user", content: "q" }], completions: [{ text: "x" }, { text: "y" }] });
    const u1 = annotator("r1");
    const u2 = annotator("r2");
    for (const u of [u1, u2]) {
      expect(requestAssignment(db, project.id, u, Date.now(), () => 0.99)!.assignment.taskId).toBe(t.taskId);
      expect(submitRanking(db, t.taskId, u, rankingSubmissionSchema.parse({ groups: [[t.completionIds[0]], [t.completionIds[1]]] })).ok).toBe(true);
    }
    expect([...exportRows(db, project.id, { format: "trl" })].every((r) => !("margin" in r))).toBe(true);
    db.update(rankings).set({ strength: 2 }).where(eq(rankings.userId, u2)).run();
    expect(([...exportRows(db, project.id, { format: "trl" })] as { margin: number }[]).map((r) => r.margin)).toEqual([0, 2]);
  });
});

describe("margin on import", () => {
  it("reads a trl or openrlhf row's margin as the ranking's strength, and refuses a margin that is not a number", () => {
    const trl = parseTrlLine({ prompt: "p", chosen: "a", rejected: "b", margin: 2 });
    expect("records" in trl && trl.records[0].strength).toBe(2);
    expect(
      "records" in parseTrlLine({ prompt: "p", chosen: "a", rejected: "b" }) &&
        (parseTrlLine({ prompt: "p", chosen: "a", rejected: "b" }) as { records: { strength?: number }[] }).records[0].strength,
    ).toBeUndefined();
    expect(parseTrlLine({ prompt: "p", chosen: "a", rejected: "b", margin: "big" })).toEqual({ error: expect.stringMatching(/^margin: expected a number/) });
    const openrlhf = parseOpenRlhfLine({ prompt: "p", chosen: "a", rejected: "b", margin: 1 });
    expect("records" in openrlhf && openrlhf.records[0].strength).toBe(1);
  });
});
