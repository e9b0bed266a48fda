import { SingleBar } from "cli-progress";
import { SimulationError, runSimulation, type SimulationProgress } from "../../lib/simulate/run";
import { getOracle, ORACLES, oracleNames } from "../../lib/simulate/oracles";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";

const DEFAULT_URL = "http://127.0.0.1:3000";

export const command: Command = {
  name: "simulate",
  summary: "Simulated annotators rank a project's queue over the app's HTTP API, by an oracle with Plackett–Luce noise",
  usage: `Usage: palate simulate --project NAME --annotators N --oracle NAME
                      [--noise BETA | --judge-error E] [--tasks M] [--seed S] [--url URL] [options]

Signs in as N annotator accounts (sim1@palate.local … simN@palate.local, created through the
admin API when missing) and works through the project's queue over the app's real HTTP API,
the N annotators concurrently. Each ranks its task by the oracle's score of every completion
with Plackett–Luce noise: utilities u_i = score_i / BETA, ranking sorted by u_i + Gumbel
noise, so a completion comes first with probability softmax(u)_i; higher BETA is noisier,
0 gives the noise-free order (equal scores tied). Completions with the same text are
always tied, in the place of the better-placed copy, as a person would submit them. With
the correctness oracle a ranking is marked "none acceptable" when the question is recognised and every completion is wrong.

The last stdout line is a JSON object: {project, oracle, noise, judgeError, annotators, rankings, tasks
(distinct), pairs (oracle-ordered pairs judged), agreement, noneAcceptable, seconds}.
agreement is the share of those pairs ranked the oracle's way (a submitted tie counts as
disagreement; null without pairs): the agreement ceiling of the data produced.

  --project NAME          the project (as annotators see it)
  --annotators N          simulated annotators working at once
  --oracle NAME           ${oracleNames().join(" | ")}
${Object.values(ORACLES)
  .map((o) => `                            ${o.name}: ${o.description}`)
  .join("\n")}
  --noise BETA            Plackett–Luce temperature β ≥ 0 (default 0: noise-free)
  --judge-error E         judged rankings instead, for an oracle whose scores are verdicts
                          (correctness): each completion is judged on its own, misjudged
                          with probability E (0 ≤ E < 0.5), and the completions judged alike
                          are tied, as a person checking answers ranks them (two right
                          answers tie). An oracle-ordered pair agrees with probability
                          (1 − E)²: E 0.1 gives 81%, and 99% of the pairs it orders are the
                          right way round, where Plackett–Luce noise orders the answers the
                          oracle ties at random. "None acceptable" follows the judgements.
  --tasks M               stop after M rankings in total, all annotators together
                          (default: until the queue has nothing left for any of them)
  --seed S                seed of the noise (default 0); a ranking's noise depends on the
                          seed, the annotator and the task
  --url URL               the app (default $PALATE_URL or ${DEFAULT_URL})
  --prefix P              account names P1@palate.local … (default sim)
  --password PW           the simulated accounts' password (default simulate)
  --admin EMAIL           admin who creates missing accounts (default admin@palate.local)
  --admin-password PW     default $PALATE_ADMIN_PASSWORD or demo

Which --noise for which agreement depends on how far apart the oracle's scores are. Measured
by bench/simulate-noise-table.ts on 500 tasks of 4 distinct completions the default model
sampled (demo sampling: temperature 1.2, top-p 1, 40 tokens, duplicates resampled up to 8
rounds) for capital and arithmetic questions in its SFT phrasings, 200 draws each:
  BETA          0.3   0.5   0.7     1   1.5     2     3     5     7     9    12
  correctness   97%   88%   81%   73%   66%   62%   58%   55%   54%   53%   52%
  brevity       99%   98%   97%   97%   95%   94%   92%   87%   83%   79%   75%
Correctness scores are 0 or 1, so each pair it orders agrees with probability 1/(1+e^(-1/BETA))
whatever the samples: --noise 0.72 gives 80%. Brevity needs far more noise, --noise 8.6: the
model answers in three forms ("Lima.", "The capital of Peru is Lima.", a longer one), so a
typical pair differs in length 3.4-fold (median gap 14 points, 8 per halving) and mostly
pairs of near-equal length are overturned. The model is mostly right, so only about 61%
of such tasks have a pair that correctness orders (2.0 of the 6 pairs per task on average;
the other tasks are all right or all wrong and add no pairs); brevity orders nearly every
pair (5.4 of 6, in nearly every task). The sampling moves brevity's figure a little: --noise 8.4 gives
80% at temperature 1.3 (the acceptance test's 300 tasks and the 24 fixed demo tasks), 9.2 at
temperature 1 (bench/rlhf-loop.ts's 360 tasks).`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      annotators: { type: "string" },
      oracle: { type: "string" },
      noise: { type: "string" },
      "judge-error": { type: "string" },
      tasks: { type: "string" },
      seed: { type: "string" },
      url: { type: "string" },
      prefix: { type: "string" },
      password: { type: "string" },
      admin: { type: "string" },
      "admin-password": { type: "string" },
    });
    const project = required(values.project, "project");
    const annotators = numberFlag(required(values.annotators, "annotators"), "annotators", 1);
    if (!Number.isInteger(annotators) || annotators < 1) throw new CliError(`--annotators: expected a whole number ≥ 1, got "${values.annotators}"`);
    const oracleName = required(values.oracle, "oracle");
    const oracle = getOracle(oracleName);
    if (!oracle) throw new CliError(`--oracle: unknown oracle "${oracleName}" (oracles: ${oracleNames().join(", ")})`);
    const noise = numberFlag(values.noise, "noise", 0);
    if (noise < 0) throw new CliError(`--noise: expected a number ≥ 0, got "${values.noise}"`);
    const judgeError = values["judge-error"] === undefined ? undefined : numberFlag(values["judge-error"], "judge-error", 0);
    if (judgeError !== undefined && values.noise !== undefined) throw new CliError("--judge-error and --noise: give one of them, not both");
    const maxRankings = values.tasks === undefined ? undefined : numberFlag(values.tasks, "tasks", 0);
    if (maxRankings !== undefined && (!Number.isInteger(maxRankings) || maxRankings < 0))
      throw new CliError(`--tasks: expected a whole number ≥ 0, got "${values.tasks}"`);
    const seed = numberFlag(values.seed, "seed", 0);
    if (!Number.isInteger(seed)) throw new CliError(`--seed: expected a whole number, got "${values.seed}"`);
    const url = values.url ?? process.env.PALATE_URL ?? DEFAULT_URL;
    try {
      new URL(url);
    } catch {
      throw new CliError(`--url: "${url}" is not a URL`);
    }

    let bar: SingleBar | undefined;
    let lastLine = 0;
    const onRanking = (p: SimulationProgress) => {
      const agreement = p.agreement === null ? "–" : `${(p.agreement * 100).toFixed(1)}%`;
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new SingleBar({ format: "simulate | {value} rankings | {tasks} tasks | agreement {agreement}", hideCursor: true, stream: process.stderr });
          bar.start(maxRankings ?? 0, 0, { tasks: 0, agreement });
        }
        bar.update(p.rankings, { tasks: p.tasks, agreement });
      } else if (Date.now() - lastLine > 2000) {
        lastLine = Date.now();
        console.error(`simulate: ${p.rankings} rankings, ${p.tasks} tasks, agreement ${agreement}`);
      }
    };
    try {
      const result = await runSimulation({
        url,
        project,
        annotators,
        oracle,
        noise,
        judgeError,
        maxRankings,
        seed,
        prefix: values.prefix,
        password: values.password,
        admin: { email: values.admin ?? "admin@palate.local", password: values["admin-password"] ?? process.env.PALATE_ADMIN_PASSWORD ?? "demo" },
        onRanking,
      });
      bar?.stop();
      console.error(
        `simulate: ${result.rankings} rankings of ${result.tasks} tasks by ${annotators} annotators in ${result.seconds}s; ` +
          `agreement with the noise-free ${oracle.name} order ${result.agreement === null ? "– (no oracle-ordered pairs)" : `${(result.agreement * 100).toFixed(1)}% of ${result.pairs} pairs`}`,
      );
      console.log(JSON.stringify(result));
      return 0;
    } catch (err) {
      bar?.stop();
      if (err instanceof SimulationError) throw new CliError(err.message);
      throw err;
    }
  },
};
