// Krippendorff's α for reliability data (coders × units, missing values allowed), computed
// through the coincidence matrix as in Krippendorff (2011), "Computing Krippendorff's
// Alpha-Reliability":
//
//   o_ck = Σ_u (number of c–k pairs of values in unit u, ordered, from different coders) / (m_u − 1)
//   n_c  = Σ_k o_ck,   n = Σ_c n_c        (only units with m_u ≥ 2 values are pairable)
//   α    = 1 − D_o / D_e = 1 − (n − 1) · Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck
//
// with the difference functions
//   nominal   δ²_ck = 0 if c = k, else 1
//   ordinal   δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)²   (ranks of the values, by the marginals n_g)
//   interval  δ²_ck = (c − k)²
//
// The coincidence matrix is a sum over units, so callers that resample units (a bootstrap) can
// keep each unit's (or a group of units') contribution and add them up with weights instead of
// recomputing from the raw data: `addUnitCoincidences` then `alphaFromCoincidences`.

export type AlphaMetric = "nominal" | "ordinal" | "interval";

export const ALPHA_METRICS: readonly AlphaMetric[] = ["nominal", "ordinal", "interval"];

/** A coincidence matrix over `values` (sorted ascending): `o[c * values.length + k]`. */
export interface Coincidences {
  values: number[];
  o: Float64Array;
}

/**
 * Adds one unit's coincidences to `o` (a V×V matrix, row-major): `valueIndexes` are the indexes
 * (into the sorted value list) of the values the coders gave this unit. A unit with fewer than
 * two values is not pairable and adds nothing. Returns whether it added anything.
 */
export function addUnitCoincidences(o: Float64Array, valueCount: number, valueIndexes: readonly number[], weight = 1): boolean {
  const m = valueIndexes.length;
  if (m < 2) return false;
  const share = weight / (m - 1);
  for (let i = 0; i < m; i++) {
    const row = valueIndexes[i] * valueCount;
    for (let j = 0; j < m; j++) if (i !== j) o[row + valueIndexes[j]] += share;
  }
  return true;
}

/** The sorted distinct values of the reliability data (null = missing). */
export function distinctValues(data: readonly (readonly (number | null)[])[]): number[] {
  const set = new Set<number>();
  for (const row of data) for (const v of row) if (v !== null) set.add(v);
  return [...set].sort((a, b) => a - b);
}

/**
 * The coincidence matrix of reliability data given as coders × units (`data[coder][unit]`, null
 * for a value the coder did not give). Every value must be a finite number.
 */
export function coincidenceMatrix(data: readonly (readonly (number | null)[])[]): Coincidences {
  const values = distinctValues(data);
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`krippendorffAlpha: values must be finite numbers, got ${v}`);
  const index = new Map(values.map((v, i) => [v, i]));
  const V = values.length;
  const o = new Float64Array(V * V);
  const units = Math.max(0, ...data.map((row) => row.length));
  const indexes: number[] = [];
  for (let u = 0; u < units; u++) {
    indexes.length = 0;
    for (const row of data) {
      const v = row[u];
      if (v !== null && v !== undefined) indexes.push(index.get(v)!);
    }
    addUnitCoincidences(o, V, indexes);
  }
  return { values, o };
}

/** The squared differences δ²_ck of a metric over `values`, given the marginals `n` (ordinal uses them). */
export function squaredDifferences(values: readonly number[], n: ArrayLike<number>, metric: AlphaMetric): Float64Array {
  const V = values.length;
  const d = new Float64Array(V * V);
  if (metric === "ordinal") {
    // prefix[i] = n_0 + … + n_{i-1}, so Σ_{g=c..k} n_g = prefix[k + 1] − prefix[c] for c ≤ k.
    const prefix = new Float64Array(V + 1);
    for (let i = 0; i < V; i++) prefix[i + 1] = prefix[i] + n[i];
    for (let c = 0; c < V; c++) {
      for (let k = c + 1; k < V; k++) {
        const x = prefix[k + 1] - prefix[c] - (n[c] + n[k]) / 2;
        d[c * V + k] = d[k * V + c] = x * x;
      }
    }
    return d;
  }
  for (let c = 0; c < V; c++) {
    for (let k = c + 1; k < V; k++) {
      const x = metric === "interval" ? values[c] - values[k] : 1;
      d[c * V + k] = d[k * V + c] = x * x;
    }
  }
  return d;
}

/**
 * α from a coincidence matrix; null when it is undefined: fewer than two pairable values, or no
 * variation at all (every pairable value the same, so the expected disagreement is 0).
 */
export function alphaFromCoincidences(values: readonly number[], o: ArrayLike<number>, metric: AlphaMetric): number | null {
  const V = values.length;
  const n = new Float64Array(V);
  let total = 0;
  for (let c = 0; c < V; c++) {
    let s = 0;
    for (let k = 0; k < V; k++) s += o[c * V + k];
    n[c] = s;
    total += s;
  }
  if (total <= 1) return null;
  const d = squaredDifferences(values, n, metric);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < V; c++) {
    for (let k = 0; k < V; k++) {
      const delta = d[c * V + k];
      if (delta === 0) continue;
      observed += o[c * V + k] * delta;
      expected += n[c] * n[k] * delta;
    }
  }
  if (expected <= 0) return null;
  return 1 - ((total - 1) * observed) / expected;
}

/**
 * Krippendorff's α of reliability data `data[coder][unit]` (null = missing). Units with fewer
 * than two values are dropped (not pairable). Null when α is undefined (see alphaFromCoincidences).
 */
export function krippendorffAlpha(data: readonly (readonly (number | null)[])[], metric: AlphaMetric): number | null {
  const { values, o } = coincidenceMatrix(data);
  return alphaFromCoincidences(values, o, metric);
}
