/**
 * The global SHAP values of `methods.shap` from the rows' local values, fed row by row in the
 * dataset's order: Clarify's `agg_method`, the mean of |φ| (`mean_abs`), the median of φ
 * (`median`) or the mean of φ² (`mean_sq`), per label and explained feature. One instance feeds
 * it the values it computed (run-explanations.ts); CollectResults feeds it every host's local
 * values of a multi-instance job in the dataset's file order (engine/merge/merge-shap.ts), so
 * that both add the same numbers in the same order and agree to the last bit.
 */
import type { AggMethod } from "../config/explain-config.ts";

export class GlobalShap {
  readonly #cells: number;
  readonly #method: AggMethod;
  /** mean_abs / mean_sq: the running sum per cell (label-major: o × features + p). */
  readonly #sums: Float64Array;
  /** median: every row's value per cell. */
  readonly #columns: Float64Array[];
  #rows = 0;

  /**
   * `cells`: labels × explained features, in the order rows give their values (label-major).
   * `rows`: how many rows will come, when known: `median` then holds exactly their values
   * (CollectResults' memory limit counts on it), else its columns grow by doubling.
   */
  constructor(cells: number, method: AggMethod, rows?: number) {
    this.#cells = cells;
    this.#method = method;
    this.#sums = new Float64Array(cells);
    const length = Math.max(rows ?? 1024, 1);
    this.#columns = method === "median" ? Array.from({ length: cells }, () => new Float64Array(length)) : [];
  }

  /** The bytes the values held take now (`median`: its columns; the means: their sums). */
  get heldBytes(): number {
    let bytes = this.#sums.byteLength;
    for (const column of this.#columns) bytes += column.byteLength;
    return bytes;
  }

  /** Bytes that `rows` rows take at most (median holds every value; the means, one sum per cell). */
  static bytesFor(rows: number, cells: number, method: AggMethod): number {
    return (method === "median" ? rows * cells : cells) * Float64Array.BYTES_PER_ELEMENT;
  }

  /** The next row's values, cell by cell: `values(c)` is cell c's. */
  addRow(values: (cell: number) => number): void {
    const r = this.#rows++;
    if (this.#method === "median") {
      for (let c = 0; c < this.#cells; c++) {
        let column = this.#columns[c] as Float64Array;
        if (column.length <= r) {
          const grown = new Float64Array(column.length * 2);
          grown.set(column);
          column = grown;
          this.#columns[c] = grown;
        }
        column[r] = values(c);
      }
      return;
    }
    const squared = this.#method === "mean_sq";
    for (let c = 0; c < this.#cells; c++) {
      const v = values(c);
      (this.#sums[c] as number) += squared ? v * v : Math.abs(v);
    }
  }

  get rows(): number {
    return this.#rows;
  }

  /** The global value of cell `c` over the rows added. */
  value(c: number): number {
    const N = this.#rows;
    if (this.#method !== "median") return (this.#sums[c] as number) / N;
    const column = (this.#columns[c] as Float64Array).subarray(0, N);
    column.sort();
    const mid = N >> 1;
    return N % 2 ? (column[mid] as number) : ((column[mid - 1] as number) + (column[mid] as number)) / 2;
  }
}
