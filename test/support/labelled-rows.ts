/**
 * The small CSV datasets of the engine's comparisons with smclarify: a label `y` and a predicted
 * label `yhat` in one fixed pattern (about half positive, not aligned with each other), beside
 * columns each test defines as a function of the row's index.
 */
export interface LabelledRowsOptions {
  /** The positive and the negative label value as written. @default [1, 0] */
  readonly labels?: readonly [string | number, string | number];
}

export function labelledRows(
  count: number,
  columns: Readonly<Record<string, (i: number) => string | number>>,
  options: LabelledRowsOptions = {},
): string {
  const [positive, negative] = options.labels ?? [1, 0];
  const names = Object.keys(columns);
  const lines = [["y", "yhat", ...names].join(",")];
  for (let i = 0; i < count; i++) {
    const y = (i * 7 + 3) % 11 < 6 ? positive : negative;
    const yhat = (i * 5 + 1) % 9 < 5 ? positive : negative;
    lines.push([y, yhat, ...names.map((name) => columns[name]?.(i))].join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** The k-th of `values`, cycling: a column's cell for a row index. */
export function cycle<T>(values: readonly T[], k: number): T {
  return values[k % values.length] as T;
}
