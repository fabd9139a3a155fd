import { seededRandom } from "../../seeded-random.ts";

/**
 * The SHAP baseline Clarify computes when none is given: the dataset clustered with K-means
 * (numeric features) or K-prototypes (when some features are categorical), one baseline row
 * per cluster weighted by the cluster's size. As the `shap` library's kmeans does, each
 * numeric value of a centre is moved to the nearest value the feature takes in the data, so a
 * baseline row holds only values the model has seen.
 */
export interface ClusterBaseline {
  readonly rows: Float64Array;
  readonly weights: Float64Array;
  readonly clusters: number;
}

/** Clarify's range for the cluster count when `num_clusters` is not given. */
const MAX_AUTO_CLUSTERS = 12;
/** Rows the automatic choice of k scores its silhouettes on (the clustering uses every row). */
const SILHOUETTE_SAMPLE = 1000;

export function clusterBaseline(
  values: Float64Array,
  rows: number,
  F: number,
  categorical: readonly boolean[],
  numClusters: number | undefined,
  seed: number,
): ClusterBaseline {
  const space = new ClusterSpace(values, rows, F, categorical);
  let k = Math.min(numClusters ?? 0, rows);
  let assignment: Int32Array;
  let centres: Float64Array;
  if (numClusters === undefined) {
    // No count given: the k in 2..12 whose clustering separates best (mean silhouette).
    let best: { k: number; score: number; centres: Float64Array; assignment: Int32Array } | undefined;
    for (let candidate = 2; candidate <= Math.min(MAX_AUTO_CLUSTERS, rows - 1); candidate++) {
      const fit = space.fit(candidate, seed);
      const score = space.silhouette(fit.assignment, candidate);
      if (!best || score > best.score) best = { k: candidate, score, ...fit };
    }
    if (best) {
      k = best.k;
      centres = best.centres;
      assignment = best.assignment;
    } else {
      k = 1;
      ({ centres, assignment } = space.fit(1, seed));
    }
  } else {
    ({ centres, assignment } = space.fit(k, seed));
  }
  const weights = new Float64Array(k);
  for (const c of assignment) (weights[c] as number) += 1;
  // Empty clusters (duplicate rows) add nothing: keep only the used centres.
  const used = [...weights.keys()].filter((c) => (weights[c] as number) > 0);
  const out = new Float64Array(used.length * F);
  used.forEach((c, i) => {
    for (let f = 0; f < F; f++) {
      const centre = centres[c * F + f] as number;
      out[i * F + f] = categorical[f] ? centre : space.nearestValue(f, centre);
    }
  });
  return {
    rows: out,
    weights: Float64Array.from(used.map((c) => weights[c] as number)),
    clusters: used.length,
  };
}

/** K-means on numeric features; K-prototypes (Huang) when some are categorical. */
class ClusterSpace {
  private readonly values: Float64Array;
  private readonly rows: number;
  private readonly F: number;
  private readonly categorical: readonly boolean[];
  /** Huang's weight of one categorical mismatch: half the mean standard deviation of the numeric features. */
  private readonly gamma: number;
  private readonly sortedColumns: Float64Array[];

  constructor(values: Float64Array, rows: number, F: number, categorical: readonly boolean[]) {
    this.values = values;
    this.rows = rows;
    this.F = F;
    this.categorical = categorical;
    this.sortedColumns = Array.from({ length: F }, (_, f) => {
      const column = new Float64Array(rows);
      for (let r = 0; r < rows; r++) column[r] = values[r * F + f] as number;
      return column.sort();
    });
    let deviations = 0;
    let numeric = 0;
    for (let f = 0; f < F; f++) {
      if (categorical[f]) continue;
      const column = this.sortedColumns[f] as Float64Array;
      let mean = 0;
      for (const v of column) mean += v / rows;
      let variance = 0;
      for (const v of column) variance += ((v - mean) * (v - mean)) / rows;
      deviations += Math.sqrt(variance);
      numeric++;
    }
    this.gamma = numeric > 0 ? (0.5 * deviations) / numeric : 1;
  }

  distance(row: number, centres: Float64Array, c: number): number {
    let sum = 0;
    const { F, values } = this;
    for (let f = 0; f < F; f++) {
      const a = values[row * F + f] as number;
      const b = centres[c * F + f] as number;
      if (this.categorical[f]) sum += a === b ? 0 : this.gamma;
      else sum += (a - b) * (a - b);
    }
    return sum;
  }

  private rowDistance(a: number, b: number): number {
    let sum = 0;
    const { F, values } = this;
    for (let f = 0; f < F; f++) {
      const x = values[a * F + f] as number;
      const y = values[b * F + f] as number;
      if (this.categorical[f]) sum += x === y ? 0 : this.gamma;
      else sum += (x - y) * (x - y);
    }
    return sum;
  }

  /** k-means++ seeding, then Lloyd iterations (means, or modes for categorical features). */
  fit(k: number, seed: number): { centres: Float64Array; assignment: Int32Array } {
    const { rows, F, values } = this;
    const random = seededRandom(seed);
    const centres = new Float64Array(k * F);
    const nearest = new Float64Array(rows).fill(Number.POSITIVE_INFINITY);
    let pick = Math.floor(random() * rows);
    for (let c = 0; c < k; c++) {
      centres.set(values.subarray(pick * F, pick * F + F), c * F);
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const d = this.distance(r, centres, c);
        if (d < (nearest[r] as number)) nearest[r] = d;
        total += nearest[r] as number;
      }
      let u = random() * total;
      pick = rows - 1;
      for (let r = 0; r < rows; r++) {
        u -= nearest[r] as number;
        if (u < 0) {
          pick = r;
          break;
        }
      }
    }
    const assignment = new Int32Array(rows).fill(-1);
    for (let iteration = 0; iteration < 100; iteration++) {
      let changed = false;
      for (let r = 0; r < rows; r++) {
        let best = 0;
        let bestDistance = Number.POSITIVE_INFINITY;
        for (let c = 0; c < k; c++) {
          const d = this.distance(r, centres, c);
          if (d < bestDistance) {
            bestDistance = d;
            best = c;
          }
        }
        if (assignment[r] !== best) {
          assignment[r] = best;
          changed = true;
        }
      }
      if (!changed) break;
      this.update(centres, assignment, k);
    }
    return { centres, assignment };
  }

  private update(centres: Float64Array, assignment: Int32Array, k: number): void {
    const { rows, F, values } = this;
    const sums = new Float64Array(k * F);
    const counts = new Float64Array(k);
    const modes = Array.from({ length: k * F }, () => new Map<number, number>());
    for (let r = 0; r < rows; r++) {
      const c = assignment[r] as number;
      counts[c] = (counts[c] as number) + 1;
      for (let f = 0; f < F; f++) {
        const v = values[r * F + f] as number;
        if (this.categorical[f]) {
          const mode = modes[c * F + f] as Map<number, number>;
          mode.set(v, (mode.get(v) ?? 0) + 1);
        } else {
          sums[c * F + f] = (sums[c * F + f] as number) + v;
        }
      }
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let f = 0; f < F; f++) {
        if (this.categorical[f]) {
          let best = 0;
          let bestCount = -1;
          for (const [v, n] of modes[c * F + f] as Map<number, number>) {
            if (n > bestCount) {
              best = v;
              bestCount = n;
            }
          }
          centres[c * F + f] = best;
        } else {
          centres[c * F + f] = (sums[c * F + f] as number) / (counts[c] as number);
        }
      }
    }
  }

  /** Mean silhouette over (a spread sample of) the rows. */
  silhouette(assignment: Int32Array, k: number): number {
    const step = Math.max(1, Math.floor(this.rows / SILHOUETTE_SAMPLE));
    let total = 0;
    let counted = 0;
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    for (let i = 0; i < this.rows; i += step) {
      sums.fill(0);
      counts.fill(0);
      for (let j = 0; j < this.rows; j += step) {
        if (i === j) continue;
        const c = assignment[j] as number;
        sums[c] = (sums[c] as number) + Math.sqrt(this.rowDistance(i, j));
        counts[c] = (counts[c] as number) + 1;
      }
      const own = assignment[i] as number;
      if (counts[own] === 0) continue;
      const a = (sums[own] as number) / (counts[own] as number);
      let b = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        if (c !== own && (counts[c] as number) > 0)
          b = Math.min(b, (sums[c] as number) / (counts[c] as number));
      }
      if (!Number.isFinite(b)) continue;
      total += Math.max(a, b) === 0 ? 0 : (b - a) / Math.max(a, b);
      counted++;
    }
    return counted === 0 ? -1 : total / counted;
  }

  nearestValue(f: number, target: number): number {
    const column = this.sortedColumns[f] as Float64Array;
    let lo = 0;
    let hi = column.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((column[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    const above = column[lo] as number;
    const below = lo > 0 ? (column[lo - 1] as number) : above;
    return Math.abs(below - target) <= Math.abs(above - target) ? below : above;
  }
}
