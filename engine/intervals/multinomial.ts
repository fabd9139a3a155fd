import type { SeededRandom } from "../seeded-random.ts";
import { binomial } from "./binomial.ts";

/**
 * Resamples a count table: draws `total` rows with replacement from the cells in proportion to
 * their counts — exactly what resampling the rows would give, at a cost that depends on the
 * number of cells, not of rows. Each cell is a binomial draw conditioned on the cells before it.
 */
export function resampleCells(counts: Float64Array, random: SeededRandom, out: Float64Array): void {
  let weight = 0;
  for (let i = 0; i < counts.length; i++) weight += counts[i] as number;
  let remaining = weight;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    if (count === 0 || remaining === 0) {
      out[i] = 0;
    } else if (count >= weight) {
      out[i] = remaining;
      remaining = 0;
    } else {
      const draw = binomial(remaining, count / weight, random);
      out[i] = draw;
      remaining -= draw;
    }
    weight -= count;
  }
}
