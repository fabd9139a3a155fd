// biome-ignore-all lint/style/noNonNullAssertion: hot loops index typed arrays within bounds by construction
/**
 * `npm run bench:ft`: how the Flip Test's cost grows with the row count.
 *
 * Generates deterministic tables (8 numeric features, half disadvantaged, half advantaged),
 * times FT at 25,000, 50,000 and 100,000 rows (median of 3 runs each) and prints the growth ratio
 * per doubling (about 2 for n log n, 4 for quadratic), then times the brute-force search on a small
 * size for comparison.
 */
import { performance } from "node:perf_hooks";
import {
  bruteForceSearch,
  type FlipTestInput,
  flipTestWith,
  kdTreeSearch,
  type NeighbourSearchFactory,
} from "../engine/metrics/post-training/flip-test.ts";
import { median } from "./median.ts";

const DIMENSIONS = 8;
const SIZES = [25_000, 50_000, 100_000];
const BRUTE_FORCE_SIZE = 5_000;
const RUNS = 3;

/** A linear congruential generator: same table on every machine. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Rows with features in a few clusters and a prediction that depends on the first two features. */
function generate(rows: number, seed: number): FlipTestInput {
  const random = lcg(seed);
  const half = rows >>> 1;
  const makeGroup = (count: number, shift: number) => {
    const features = new Float64Array(count * DIMENSIONS);
    const predicted = new Uint8Array(count);
    for (let r = 0; r < count; r++) {
      const cluster = Math.floor(random() * 4);
      for (let d = 0; d < DIMENSIONS; d++) {
        features[r * DIMENSIONS + d] = cluster * 3 + shift + (random() - 0.5) * 4;
      }
      predicted[r] = features[r * DIMENSIONS]! + features[r * DIMENSIONS + 1]! + random() > 8 ? 1 : 0;
    }
    return { features, predicted };
  };
  return {
    disadvantaged: makeGroup(half, -0.3),
    advantaged: makeGroup(rows - half, 0),
    dimensions: DIMENSIONS,
  };
}

function medianMs(input: FlipTestInput, search: NeighbourSearchFactory): { ms: number; ft: number } {
  const times: number[] = [];
  let ft = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    ft = flipTestWith(input, search);
    times.push(performance.now() - start);
  }
  return { ms: median(times), ft };
}

const format = (ms: number) => `${ms.toFixed(1).padStart(9)} ms`;

console.log(`FT, k-d tree, ${DIMENSIONS} features, median of ${RUNS}`);
let previous: number | undefined;
for (const rows of SIZES) {
  const { ms, ft } = medianMs(generate(rows, rows), kdTreeSearch);
  const ratio =
    previous === undefined
      ? ""
      : `  ×${(ms / previous).toFixed(2)} for ×${(rows / SIZES[SIZES.indexOf(rows) - 1]!).toFixed(0)} rows`;
  console.log(`${String(rows).padStart(7)} rows ${format(ms)}  FT=${ft.toFixed(4)}${ratio}`);
  previous = ms;
}

const small = generate(BRUTE_FORCE_SIZE, BRUTE_FORCE_SIZE);
const tree = medianMs(small, kdTreeSearch);
const brute = medianMs(small, bruteForceSearch);
console.log(`\nComparison at ${BRUTE_FORCE_SIZE} rows (same FT from both: ${tree.ft === brute.ft})`);
console.log(`  k-d tree    ${format(tree.ms)}`);
console.log(`  brute force ${format(brute.ms)}  (×${(brute.ms / tree.ms).toFixed(1)} slower, O(n²) growth)`);
