// Simulated annotators over the app's real HTTP API: N accounts (created through the admin
// API when missing) work through a project's queue concurrently, each ranking its task by an
// oracle's scores with Plackett–Luce noise, until the queue is empty for them or a total
// number of rankings is reached. Used by `palate simulate` for tests, demos and load.
import type { Message } from "../../db/schema";
import { addAgreement, agreementRate, pairAgreement, type PairAgreement } from "./agreement";
import { AppClient, HttpError, SignInError } from "./client";
import type { Oracle } from "./oracles";
import { sampleJudgement } from "./judgement";
import { mixSeed, mulberry32, samplePlackettLuce, tieIdentical } from "./plackett-luce";

export interface SimulationOptions {
  url: string;
  project: string;
  annotators: number;
  oracle: Oracle;
  /** β: utilities are score / β; 0 = the noise-free order with ties. */
  noise: number;
  /**
   * Judged rankings instead (an oracle with verdicts only): each completion misjudged with this
   * probability, equal judgements tied (judgement.ts). `noise` is then unused.
   */
  judgeError?: number;
  /** At most this many rankings in total, across all annotators (default: until the queue is empty). */
  maxRankings?: number;
  seed?: number;
  /** Accounts are PREFIX1@DOMAIN … PREFIXN@DOMAIN. */
  prefix?: string;
  domain?: string;
  password?: string;
  admin?: { email: string; password: string };
  /** Called after every ranking submitted. */
  onRanking?(progress: SimulationProgress): void;
}

export interface SimulationProgress {
  rankings: number;
  tasks: number;
  agreement: number | null;
}

export interface SimulationResult {
  project: string;
  oracle: string;
  noise: number;
  /** The judged rankings' error rate, when they were judged (null: Plackett–Luce). */
  judgeError: number | null;
  annotators: number;
  /** Rankings submitted (created) in this run, all annotators together. */
  rankings: number;
  /** Distinct tasks among them. */
  tasks: number;
  /** Oracle-ordered pairs judged over all those rankings. */
  pairs: number;
  /** Pairs ranked the oracle's way, over pairs; null when there were none. */
  agreement: number | null;
  /** Rankings submitted as "none acceptable". */
  noneAcceptable: number;
  seconds: number;
}

/** A failure to report with the flag it concerns (e.g. an unknown project). */
export class SimulationError extends Error {}

interface QueueProject {
  projectId: number;
  name: string;
}

interface AssignmentPayload {
  assignment: { id: number; taskId: number };
  task: { id: number; messages: Message[]; completions: { id: number; text: string }[] };
}

export function simulatedAccount(i: number, prefix = "sim", domain = "palate.local"): string {
  return `${prefix}${i}@${domain}`;
}

/** Signs in every simulated annotator, creating the missing accounts as the admin. */
async function signInAnnotators(o: SimulationOptions): Promise<AppClient[]> {
  const password = o.password ?? "simulate";
  const admin = o.admin ?? { email: "admin@palate.local", password: "demo" };
  let adminClient: AppClient | undefined;
  let existing: Set<string> | undefined;
  const clients: AppClient[] = [];
  for (let i = 1; i <= o.annotators; i++) {
    const email = simulatedAccount(i, o.prefix, o.domain);
    const client = new AppClient(o.url);
    try {
      clients.push(await client.signIn(email, password));
      continue;
    } catch (err) {
      if (!(err instanceof SignInError)) throw err;
    }
    if (!adminClient) {
      try {
        adminClient = await new AppClient(o.url).signIn(admin.email, admin.password);
      } catch (err) {
        if (err instanceof SignInError) throw new SimulationError(`--admin: ${err.message}; it is needed to create ${email}`);
        throw err;
      }
      const { body } = await adminClient.call<{ users: { email: string }[] }>("GET", "/api/users", undefined, [200]);
      existing = new Set((body?.users ?? []).map((u) => u.email.toLowerCase()));
    }
    if (existing!.has(email.toLowerCase())) {
      throw new SimulationError(`sign-in as ${email} failed: the account exists but --password does not match (or it is disabled)`);
    }
    await adminClient.call("POST", "/api/users", { email, name: `Simulated annotator ${i}`, role: "annotator", password }, [201]);
    existing!.add(email.toLowerCase());
    clients.push(await client.signIn(email, password));
  }
  return clients;
}

export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  if (!Number.isInteger(o.annotators) || o.annotators < 1) throw new SimulationError("--annotators: expected a whole number ≥ 1");
  if (!(o.noise >= 0) || !Number.isFinite(o.noise)) throw new SimulationError("--noise: expected a number ≥ 0");
  const verdicts = o.oracle.verdicts;
  if (o.judgeError !== undefined) {
    if (!(o.judgeError >= 0 && o.judgeError < 0.5)) throw new SimulationError(`--judge-error: expected a probability ≥ 0 and < 0.5, got ${o.judgeError}`);
    if (!verdicts) throw new SimulationError(`--judge-error: the ${o.oracle.name} oracle's scores are not verdicts to judge; use --noise`);
  }
  const started = Date.now();
  const clients = await signInAnnotators(o);

  const listed = await clients[0].fetch("/api/annotate/projects");
  if (listed.status === 403) throw new SimulationError(`${simulatedAccount(1, o.prefix, o.domain)} is not an annotator`);
  if (!listed.ok) throw new HttpError(listed.status, "GET /api/annotate/projects", await listed.text());
  const { projects } = (await listed.json()) as { projects: QueueProject[] };
  const project = projects.find((p) => p.name === o.project);
  if (!project) {
    const names = projects.map((p) => JSON.stringify(p.name)).join(", ");
    throw new SimulationError(`--project: no project named "${o.project}"${names ? ` (projects: ${names})` : " (there are no projects)"}`);
  }

  const limit = o.maxRankings ?? Infinity;
  const seed = o.seed ?? 0;
  let reserved = 0;
  let rankings = 0;
  let noneAcceptable = 0;
  let agreement: PairAgreement = { pairs: 0, agreed: 0 };
  const taskIds = new Set<number>();

  const work = async (client: AppClient, index: number) => {
    let conflicts = 0;
    for (;;) {
      if (reserved >= limit) return;
      reserved++;
      const next = await client.call<AssignmentPayload & { paused?: unknown }>("POST", "/api/annotate/next", { projectId: project.projectId }, [200, 204, 403]);
      // 403 {paused}: this annotator's gold accuracy paused them on the project; they stop like one with nothing left.
      if (next.status === 403 && !next.body?.paused) throw new HttpError(403, "POST /api/annotate/next", JSON.stringify(next.body));
      if (next.status === 204 || next.status === 403 || !next.body) {
        reserved--;
        return;
      }
      const { assignment, task } = next.body;
      const scores = task.completions.map((c) => o.oracle.score(task.messages, c.text));
      const random = mulberry32(mixSeed(seed, index, task.id));
      // Judged: the annotator's verdicts decide the order, the ties and "none acceptable".
      const judgement = o.judgeError !== undefined ? sampleJudgement(scores, verdicts!, o.judgeError, random) : undefined;
      const groups = tieIdentical(
        judgement ? judgement.groups : samplePlackettLuce(scores, o.noise, random),
        task.completions.map((c) => c.text),
      );
      const none = o.oracle.noneAcceptable?.(task.messages, judgement ? judgement.judged : scores) ?? false;
      // A pairwise task (lib/labeling/pairwise.ts) takes a strength: "better" for an order, a tie
      // otherwise; "both bad" is a tie.
      const pairwise = (task as { pairwise?: boolean }).pairwise === true;
      const ids = pairwise && none ? [task.completions.map((c) => c.id)] : groups.map((g) => g.map((i) => task.completions[i].id));
      const submitted = await client.call<{ created: boolean }>(
        "POST",
        `/api/tasks/${task.id}/ranking`,
        { assignmentId: assignment.id, groups: ids, noneAcceptable: none, ...(pairwise ? { strength: ids.length === 1 ? 0 : 1 } : {}) },
        [200, 201, 409],
      );
      if (submitted.status !== 201) {
        // A repeat (200) or an assignment gone meanwhile (409): nothing new was written.
        reserved--;
        if (++conflicts > 20) throw new Error(`${simulatedAccount(index, o.prefix, o.domain)}: 20 rankings in a row were refused (${submitted.status})`);
        continue;
      }
      conflicts = 0;
      rankings++;
      if (none) noneAcceptable++;
      taskIds.add(task.id);
      agreement = addAgreement(agreement, pairAgreement(scores, groups));
      o.onRanking?.({ rankings, tasks: taskIds.size, agreement: agreementRate(agreement) });
    }
  };
  await Promise.all(clients.map((c, i) => work(c, i + 1)));

  return {
    project: o.project,
    oracle: o.oracle.name,
    noise: o.noise,
    judgeError: o.judgeError ?? null,
    annotators: o.annotators,
    rankings,
    tasks: taskIds.size,
    pairs: agreement.pairs,
    agreement: agreementRate(agreement),
    noneAcceptable,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}
