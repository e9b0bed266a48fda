// Bradley–Terry strengths by maximum likelihood, on the Elo scale.
//
// The model: player i beats player j with probability p_i / (p_i + p_j), strengths p > 0.
// Data: weighted pairwise outcomes (winner, loser, weight); a tie gives weight/2 of a win to
// each side (Rao–Kupper / Davidson aside, the usual convention of Chatbot Arena's fits).
//
//   W[i][j]  = the (weighted) wins of i over j
//   N[i][j]  = W[i][j] + W[j][i]          comparisons between i and j
//   log L(p) = Σ_{i,j} W[i][j] · log(p_i / (p_i + p_j))
//
// The fit is Hunter's (2004) MM algorithm, a fixed-point iteration that raises the likelihood
// at every step:
//
//   p_i ← (W_i + α/2) / ( Σ_j N[i][j] / (p_i + p_j) + α / (p_i + 1) ),    W_i = Σ_j W[i][j]
//
// The α terms are the prior: every player is given α virtual comparisons against a reference
// player of fixed strength 1, half won and half lost. It is a weak shrinkage of log p toward 0
// (equal strength) that keeps the estimate finite when the plain maximum likelihood does not
// exist — a player who won (or lost) every comparison, or groups of players never compared
// with each other — and a player with no comparison at all gets strength 1. With α = 0 the fit
// is the plain MLE, which exists only when the comparison graph is strongly connected (every
// player can reach every other through a chain of wins); otherwise fitBradleyTerry throws.
// The default α = 1 moves a rating by a few Elo points once a player has some hundred
// comparisons.
//
// Ratings are on the Elo scale: 400·log10(p_i), shifted so that the mean rating is 1000. A
// difference of 400 points means 10:1 odds; of d points, a win probability 1 / (1 + 10^(−d/400)).

/** One pairwise outcome: `winner` beat `loser` (or they tied), counted `weight` times (default 1). */
export interface PairwiseOutcome {
  winner: string;
  loser: string;
  /** How many comparisons this outcome stands for (> 0; default 1). */
  weight?: number;
  /** A tie: half of `weight` is a win for each side. */
  tie?: boolean;
}

export interface BradleyTerryOptions {
  /** α: virtual comparisons per player against a reference of strength 1 (half won, half lost). Default 1; 0 = plain MLE. */
  prior?: number;
  /** Stop when no log-strength moves by more than this in one iteration. Default 1e-10. */
  tolerance?: number;
  /** Give up (and return the current estimate, `converged: false`) after this many iterations. Default 100,000. */
  maxIterations?: number;
}

export interface PlayerRating {
  player: string;
  /** 400·log10(strength), shifted so the mean over the players is 1000. */
  rating: number;
  /** The Bradley–Terry strength p (the reference of the prior has strength 1). */
  strength: number;
  /** Weighted comparisons the player took part in (ties included; the prior's virtual ones not). */
  comparisons: number;
  /** Weighted wins, a tie counting half. */
  wins: number;
}

export interface BradleyTerryFit {
  /** In the order of the players given (or first seen), not sorted. */
  players: PlayerRating[];
  iterations: number;
  converged: boolean;
}

export const DEFAULT_PRIOR = 1;
export const ELO_MEAN = 1000;
const ELO_SCALE = 400 / Math.LN10;

/**
 * Fits strengths from an n × n win matrix (row-major, wins[i·n + j] = weighted wins of i over j,
 * ties already split in half). Returns log-strengths (natural log). The workhorse of
 * fitBradleyTerry and of the leaderboard's bootstrap.
 */
export function fitLogStrengths(
  wins: ArrayLike<number>,
  n: number,
  options: BradleyTerryOptions = {},
  start?: Float64Array,
): { logStrengths: Float64Array; iterations: number; converged: boolean } {
  const alpha = options.prior ?? DEFAULT_PRIOR;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 100_000;
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new Error(`prior must be a finite number ≥ 0, got ${alpha}`);
  if (wins.length !== n * n) throw new Error(`wins must hold n² = ${n * n} entries, got ${wins.length}`);
  const totalWins = new Float64Array(n);
  const games = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = wins[i * n + j];
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`wins[${i}][${j}] must be a finite number ≥ 0, got ${w}`);
      if (i === j) continue;
      totalWins[i] += w;
      games[i * n + j] = w + wins[j * n + i];
    }
  }
  if (alpha === 0) assertStronglyConnected(wins, n);

  const p = new Float64Array(n).fill(1);
  if (start) for (let i = 0; i < n; i++) p[i] = Math.exp(start[i]);
  const next = new Float64Array(n);
  let iterations = 0;
  let converged = n === 0;
  while (!converged && iterations < maxIterations) {
    iterations++;
    let change = 0;
    for (let i = 0; i < n; i++) {
      let denominator = alpha / (p[i] + 1);
      const row = i * n;
      for (let j = 0; j < n; j++) {
        const g = games[row + j];
        if (g > 0) denominator += g / (p[i] + p[j]);
      }
      next[i] = denominator > 0 ? (totalWins[i] + alpha / 2) / denominator : 1;
    }
    if (alpha === 0) {
      // Without the reference the scale is free: fix the geometric mean at 1.
      let meanLog = 0;
      for (let i = 0; i < n; i++) meanLog += Math.log(next[i]) / n;
      for (let i = 0; i < n; i++) next[i] /= Math.exp(meanLog);
    }
    for (let i = 0; i < n; i++) {
      change = Math.max(change, Math.abs(Math.log(next[i]) - Math.log(p[i])));
      p[i] = next[i];
    }
    converged = change <= tolerance;
  }
  const logStrengths = new Float64Array(n);
  for (let i = 0; i < n; i++) logStrengths[i] = Math.log(p[i]);
  return { logStrengths, iterations, converged };
}

/** Log-strengths (natural log) as Elo ratings with mean 1000. */
export function eloRatings(logStrengths: ArrayLike<number>): Float64Array {
  const n = logStrengths.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += logStrengths[i] / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ELO_MEAN + ELO_SCALE * (logStrengths[i] - mean);
  return out;
}

/** The plain MLE needs every player to reach every other through wins (Hunter 2004, assumption 1). */
function assertStronglyConnected(wins: ArrayLike<number>, n: number): void {
  if (n <= 1) return;
  const reach = (forward: boolean) => {
    const seen = new Uint8Array(n);
    const stack = [0];
    seen[0] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (let j = 0; j < n; j++) {
        if (!seen[j] && (forward ? wins[i * n + j] : wins[j * n + i]) > 0) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    return seen.every((s) => s === 1);
  };
  if (!reach(true) || !reach(false)) {
    throw new Error(
      "the maximum-likelihood strengths are not finite: some player won or lost every comparison, or the players fall apart into groups never compared (use a prior > 0)",
    );
  }
}

/**
 * Bradley–Terry ratings from weighted pairwise outcomes. `players` fixes the order (and adds
 * players without comparisons); otherwise players appear in the order first seen.
 */
export function fitBradleyTerry(outcomes: readonly PairwiseOutcome[], options: BradleyTerryOptions & { players?: readonly string[] } = {}): BradleyTerryFit {
  const index = new Map<string, number>();
  const names: string[] = [];
  const add = (name: string) => {
    let i = index.get(name);
    if (i === undefined) {
      i = names.length;
      index.set(name, i);
      names.push(name);
    }
    return i;
  };
  for (const name of options.players ?? []) add(name);
  for (const o of outcomes) {
    add(o.winner);
    add(o.loser);
  }
  const n = names.length;
  const wins = new Float64Array(n * n);
  const comparisons = new Float64Array(n);
  for (const [k, o] of outcomes.entries()) {
    const weight = o.weight ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`outcomes[${k}].weight must be a finite number > 0, got ${weight}`);
    if (o.winner === o.loser) throw new Error(`outcomes[${k}]: a player cannot play itself ("${o.winner}")`);
    const w = index.get(o.winner)!;
    const l = index.get(o.loser)!;
    if (o.tie) {
      wins[w * n + l] += weight / 2;
      wins[l * n + w] += weight / 2;
    } else {
      wins[w * n + l] += weight;
    }
    comparisons[w] += weight;
    comparisons[l] += weight;
  }
  const fit = fitLogStrengths(wins, n, options);
  const ratings = eloRatings(fit.logStrengths);
  return {
    players: names.map((player, i) => {
      let won = 0;
      for (let j = 0; j < n; j++) if (j !== i) won += wins[i * n + j];
      return { player, rating: ratings[i], strength: Math.exp(fit.logStrengths[i]), comparisons: comparisons[i], wins: won };
    }),
    iterations: fit.iterations,
    converged: fit.converged,
  };
}
