// Judged rankings, for oracles whose scores are verdicts (correctness: 1 right, 0 wrong). A
// person checking answers judges each one on its own and ranks by the judgements, tying the
// answers judged alike: two right answers are equally good, two wrong ones equally bad.
// Plackett–Luce noise (plackett-luce.ts) models a taste instead: it orders every pair, so with
// verdicts it orders the answers the oracle ties at random, and half the pairs of a typical
// task say nothing about the oracle.
//
// Noise: each answer is misjudged with probability `error`, its verdict replaced by one of the
// other verdicts (uniformly). An oracle-ordered pair is then ranked the oracle's way with
// probability (1 − error)² for two verdicts (both judged right), tied with 2·error·(1 − error),
// reversed with error²: error 0.1 agrees on 81% of the pairs, and 99% of the pairs it orders
// are the oracle's way round.

export interface Judgement {
  /** Item indices grouped by judged verdict, best group first (ascending within a group). */
  groups: number[][];
  /** Each item's judged verdict. */
  judged: number[];
}

/** Judges every item (misjudging each with probability `error`) and ranks by the judgements. */
export function sampleJudgement(scores: readonly number[], verdicts: readonly number[], error: number, random: () => number): Judgement {
  if (!(error >= 0 && error < 1)) throw new Error(`judge error must be in [0, 1), got ${error}`);
  const levels = [...new Set(verdicts)].sort((a, b) => b - a);
  const judged = scores.map((s) => {
    if (!levels.includes(s)) throw new Error(`score ${s} is not one of the oracle's verdicts (${levels.join(", ")})`);
    if (error === 0 || levels.length < 2 || random() >= error) return s;
    const others = levels.filter((l) => l !== s);
    return others[Math.min(others.length - 1, Math.floor(random() * others.length))];
  });
  const groups: number[][] = [];
  for (const level of levels) {
    const group = judged.flatMap((j, i) => (j === level ? [i] : []));
    if (group.length > 0) groups.push(group);
  }
  return { groups, judged };
}
