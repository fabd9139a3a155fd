import type { FeatureColumnDtype, FlipTestInput } from "../../engine/metrics/post-training/flip-test.ts";
import { featureMatrixDtype } from "../../engine/metrics/post-training/flip-test.ts";
import { SeededRandom } from "../../engine/seeded-random.ts";

/** A generated FT table whose features take few values, so distance ties abound. */
export interface TieHeavyTable {
  /** Per column, in dataset order. */
  readonly columns: readonly { readonly dtype: FeatureColumnDtype; readonly values: readonly number[] }[];
  /** Per row: 1 = disadvantaged (the facet's sensitive value). */
  readonly sensitive: readonly number[];
  /** Per row: 1 = predicted positive. */
  readonly predicted: readonly number[];
}

/**
 * `advantaged + disadvantaged` rows in shuffled order; column j has dtype `dtypes[j]`: int64
 * columns draw from 0..levels-1, float64 ones the same halved (exact binary fractions), bool 0/1.
 */
export function tieHeavyTable(
  seed: number,
  advantaged: number,
  disadvantaged: number,
  dtypes: readonly FeatureColumnDtype[],
  levels: number,
): TieHeavyTable {
  const random = new SeededRandom(seed);
  const rows = advantaged + disadvantaged;
  const draw = (n: number) => Math.floor(random.uniform() * n);
  const columns = dtypes.map((dtype) => ({
    dtype,
    values: Array.from({ length: rows }, () =>
      dtype === "bool" ? draw(2) : dtype === "float64" ? draw(levels) / 2 : draw(levels),
    ),
  }));
  const sensitive: number[] = Array.from({ length: rows }, (_, r) => (r < disadvantaged ? 1 : 0));
  for (let i = rows - 1; i > 0; i--) {
    const j = draw(i + 1);
    [sensitive[i], sensitive[j]] = [sensitive[j] as number, sensitive[i] as number];
  }
  const predicted = Array.from({ length: rows }, () => (random.uniform() < 0.45 ? 1 : 0));
  return { columns, sensitive, predicted };
}

/** The table split as FT takes it: each side's rows in dataset order. */
export function flipTestInputOf(table: TieHeavyTable): FlipTestInput {
  const dimensions = table.columns.length;
  const side = (flag: number) => {
    const rows = table.sensitive.flatMap((s, r) => (s === flag ? [r] : []));
    const features = new Float64Array(rows.length * dimensions);
    rows.forEach((row, i) => {
      table.columns.forEach((column, j) => {
        features[i * dimensions + j] = column.values[row] as number;
      });
    });
    return { features, predicted: Uint8Array.from(rows, (row) => table.predicted[row] as number) };
  };
  return {
    disadvantaged: side(1),
    advantaged: side(0),
    dimensions,
    dtype: featureMatrixDtype(table.columns.map((c) => c.dtype)),
  };
}
