import type { SeededRandom } from "../seeded-random.ts";

/**
 * Below this expected count the draw is exact (inversion); from it on, the binomial is drawn
 * from its normal approximation. With p ≤ ½ that means a variance of at least 15, where the
 * rounded normal's quantiles differ from the binomial's by less than one count in the central
 * 99 %: far below what a bootstrap interval resolves, and it keeps a draw O(1) for any n.
 */
export const EXACT_MEAN_LIMIT = 30;

/** One draw of Binomial(n, p). */
export function binomial(n: number, p: number, random: SeededRandom): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, random);
  const mean = n * p;
  if (mean < EXACT_MEAN_LIMIT) return byInversion(n, p, random);
  const draw = Math.round(mean + Math.sqrt(mean * (1 - p)) * random.normal());
  return Math.min(n, Math.max(0, draw));
}

/** Walks the probability mass function from 0 until the uniform draw is used up: O(n·p). */
function byInversion(n: number, p: number, random: SeededRandom): number {
  const ratio = p / (1 - p);
  let mass = Math.exp(n * Math.log1p(-p));
  let u = random.uniform();
  let x = 0;
  while (u > mass && x < n) {
    u -= mass;
    mass *= (ratio * (n - x)) / (x + 1);
    x++;
    // Far in the tail the mass underflows; what is left of u is rounding error.
    if (mass === 0) break;
  }
  return x;
}
