// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * `npm run bench:ft`: how the Flip Test's cost grows with the row count.
 *
 * Generates deterministic tables (8 numeric features, half disadvantaged, half advantaged),
 * times FT at 25,000, 50,000 and 100,000 rows (median of 3 runs each) and prints the growth ratio
 * per doubling (about 2 for n log n, 4 for quadratic), on continuous features and on small
 * integers (many distance ties); then times 16 features at a small size, where scikit-learn, and
 * so FT, compares every pair of rows.
 */
import { performance } from "node:perf_hooks";
import { type FlipTestInput, flipTest } from "../engine/metrics/post-training/flip-test.ts";
import { median } from "./median.ts";

const DIMENSIONS = 8;
const WIDE_DIMENSIONS = 16;
const SIZES = [25_000, 50_000, 100_000];
const WIDE_SIZE = 5_000;
const RUNS = 3;

/** A linear congruential generator: same table on every machine. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * Rows with features in a few clusters and a prediction that depends on the first two features;
 * `integers` rounds the features to small integers (an int64 table full of distance ties).
 */
function generate(rows: number, seed: number, integers = false, dimensions = DIMENSIONS): FlipTestInput {
  const random = lcg(seed);
  const half = rows >>> 1;
  const makeGroup = (count: number, shift: number) => {
    const features = new Float64Array(count * dimensions);
    const predicted = new Uint8Array(count);
    for (let r = 0; r < count; r++) {
      const cluster = Math.floor(random() * 4);
      for (let d = 0; d < dimensions; d++) {
        const value = cluster * 3 + shift + (random() - 0.5) * 4;
        features[r * dimensions + d] = integers ? Math.round(value) : value;
      }
      predicted[r] = features[r * dimensions]! + features[r * dimensions + 1]! + random() > 8 ? 1 : 0;
    }
    return { features, predicted };
  };
  return {
    disadvantaged: makeGroup(half, -0.3),
    advantaged: makeGroup(rows - half, 0),
    dimensions,
    dtype: integers ? "int64" : "float64",
  };
}

function medianMs(input: FlipTestInput): { ms: number; ft: number } {
  const times: number[] = [];
  let ft = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    ft = flipTest(input);
    times.push(performance.now() - start);
  }
  return { ms: median(times), ft };
}

const format = (ms: number) => `${ms.toFixed(1).padStart(9)} ms`;

for (const integers of [false, true]) {
  const kind = integers ? "small integers (ties)" : "continuous";
  console.log(`FT, scikit-learn's k-d tree, ${DIMENSIONS} ${kind} features, median of ${RUNS}`);
  let previous: number | undefined;
  SIZES.forEach((rows, i) => {
    const { ms, ft } = medianMs(generate(rows, rows, integers));
    const ratio =
      previous === undefined
        ? ""
        : `  ×${(ms / previous).toFixed(2)} for ×${(rows / SIZES[i - 1]!).toFixed(0)} rows`;
    console.log(`${String(rows).padStart(7)} rows ${format(ms)}  FT=${ft.toFixed(4)}${ratio}`);
    previous = ms;
  });
}

const wide = medianMs(generate(WIDE_SIZE, WIDE_SIZE, false, WIDE_DIMENSIONS));
console.log(
  `\n${WIDE_SIZE} rows × ${WIDE_DIMENSIONS} features (scikit-learn's brute force, every pair): ${format(wide.ms)}`,
);
