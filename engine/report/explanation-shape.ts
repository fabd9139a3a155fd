import { isRecord } from "../../contracts/is-record.ts";

/**
 * The parts of analysis.json's `explanations` the report draws, read defensively: the analysis
 * may come from the Clarify container; entries that are not there or malformed are left out.
 */

export interface ImportanceChart {
  readonly label: string;
  readonly expectedValue?: number;
  /** Largest magnitude first. */
  readonly values: readonly { readonly feature: string; readonly value: number }[];
}

export interface PdpChart {
  readonly feature: string;
  readonly categorical: boolean;
  readonly grid: readonly (number | string)[];
  /** Share of rows near each grid value; empty when the analysis has none of the grid's length. */
  readonly distribution: readonly number[];
  readonly curves: readonly { readonly label: string; readonly values: readonly number[] }[];
}

/** One chart per label of `explanations.kernel_shap`. */
export function readImportance(value: unknown): ImportanceChart[] {
  if (!isRecord(value)) return [];
  const charts: ImportanceChart[] = [];
  for (const [label, entry] of Object.entries(value)) {
    if (!isRecord(entry) || !isRecord(entry.global_shap_values)) continue;
    const values = Object.entries(entry.global_shap_values)
      .filter((pair): pair is [string, number] => typeof pair[1] === "number" && Number.isFinite(pair[1]))
      .map(([feature, v]) => ({ feature, value: v }))
      .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    if (values.length === 0) continue;
    charts.push({
      label,
      ...(typeof entry.expected_value === "number" && { expectedValue: entry.expected_value }),
      values,
    });
  }
  return charts;
}

/** One chart per feature of `explanations.pdp`, with the curves whose length matches the grid. */
export function readPdp(value: unknown): PdpChart[] {
  if (!Array.isArray(value)) return [];
  const charts: PdpChart[] = [];
  for (const entry of value) {
    if (!isRecord(entry) || typeof entry.feature_name !== "string" || !Array.isArray(entry.feature_values))
      continue;
    const grid = entry.feature_values.filter(
      (v): v is number | string => typeof v === "number" || typeof v === "string",
    );
    const predictions = Array.isArray(entry.model_predictions) ? entry.model_predictions : [];
    const headers = Array.isArray(entry.label_headers) ? entry.label_headers : [];
    const curves = predictions
      .map((curve, i) => ({
        label: typeof headers[i] === "string" ? (headers[i] as string) : `label${i}`,
        values: Array.isArray(curve)
          ? curve.filter((v): v is number => typeof v === "number" && Number.isFinite(v))
          : [],
      }))
      .filter((curve) => curve.values.length === grid.length);
    if (grid.length === 0 || curves.length === 0) continue;
    const distribution = Array.isArray(entry.data_distribution)
      ? entry.data_distribution.filter((v): v is number => typeof v === "number" && Number.isFinite(v))
      : [];
    charts.push({
      feature: entry.feature_name,
      categorical: entry.data_type === "categorical",
      grid,
      distribution: distribution.length === grid.length ? distribution : [],
      curves,
    });
  }
  return charts;
}
