/**
 * The local SHAP values as text: `explanations_shap/out.csv` (save_local_shap_values), one row
 * per explained dataset row and, per label, one column per explained feature named as Clarify
 * names them (`age_label0`). Each value is JavaScript's shortest text that reads back as the
 * same double, so that a host of a multi-instance job can hand its rows' values to
 * CollectResults as this text and lose nothing (engine/merge/merge-shap.ts).
 */
import type { KernelShapLabel } from "../output/explanations-json.ts";
import type { GlobalShap } from "./global-shap.ts";

/** out.csv's header line (with its line end): `<feature>_<label>` per label, then per feature. */
export function localValuesHeader(features: readonly string[], labels: readonly string[]): string {
  return `${labels.flatMap((label) => features.map((name) => csvCell(`${name}_${label}`))).join(",")}\n`;
}

/**
 * The lines (each with its line end) of rows `first` … `end − 1` of Kernel SHAP's values
 * (`values[(row × O + o) × P + p]`), the first `explained` players of each label.
 */
export function localValueLines(
  values: Float64Array,
  first: number,
  end: number,
  O: number,
  P: number,
  explained: number,
): string {
  const lines: string[] = [];
  const cells: string[] = new Array(O * explained);
  for (let r = first; r < end; r++) {
    for (let o = 0; o < O; o++)
      for (let p = 0; p < explained; p++) cells[o * explained + p] = String(values[(r * O + o) * P + p]);
    lines.push(`${cells.join(",")}\n`);
  }
  return lines.join("");
}

/** Feeds `global` the first `explained` players of each label of every row of `values`. */
export function addRows(
  global: GlobalShap,
  values: Float64Array,
  N: number,
  O: number,
  P: number,
  explained: number,
): void {
  for (let r = 0; r < N; r++) {
    global.addRow((c) => values[(r * O + Math.floor(c / explained)) * P + (c % explained)] as number);
  }
}

/** `kernel_shap` of analysis.json: per label, each explained feature's global value and the expected value. */
export function kernelShapJson(
  labels: readonly string[],
  features: readonly string[],
  global: GlobalShap,
  expectedValues: ArrayLike<number>,
): Record<string, KernelShapLabel> {
  const kernel: Record<string, KernelShapLabel> = {};
  labels.forEach((label, o) => {
    const values: Record<string, number> = {};
    features.forEach((name, p) => {
      values[name] = global.value(o * features.length + p);
    });
    kernel[label] = { global_shap_values: values, expected_value: expectedValues[o] as number };
  });
  return kernel;
}

export function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
