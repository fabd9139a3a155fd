/**
 * The SHAP baseline of a run in the dataset's feature codes: the rows the config gives (inline
 * or a file), coded with the table's categories, or clustered from the data when none is given;
 * and, for a host of several instances, how its shard's table must widen to code a given
 * baseline as one instance would (its categories, its text columns).
 */
import type { ShapConfig } from "../../config/explain-config.ts";
import { EngineInputError } from "../../errors.ts";
import { parseNumberText } from "../../io/parse-number.ts";
import type { FeatureTable } from "../feature-table.ts";
import { csvCell } from "../local-shap-values.ts";
import { readBaselineFile } from "./baseline-file.ts";
import { notACategory as categoryMessage, isTextCell, notANumber } from "./baseline-messages.ts";
import { clusterBaseline } from "./cluster-baseline.ts";

/** The baseline rows (row-major, F codes each), their weights, and whether they were clustered (not given). */
export interface SettledBaseline {
  readonly rows: Float64Array;
  readonly weights: Float64Array;
  readonly computed: boolean;
}

export function settleBaseline(shap: ShapConfig, table: FeatureTable): SettledBaseline {
  const given = givenBaseline(shap, table);
  if (given) {
    return {
      rows: encodeRows(given.rows, table, given.path),
      weights: new Float64Array(given.rows.length).fill(1),
      computed: false,
    };
  }
  const categorical = table.categories.map((c) => c !== undefined);
  const clustered = clusterBaseline(
    table.values,
    table.rows,
    table.featureCount,
    categorical,
    shap.numClusters,
    shap.seed ?? 0,
  );
  return { rows: clustered.rows, weights: clustered.weights, computed: true };
}

/** The baseline rows the config gives (inline, or a file), and how messages name them; undefined: none given. */
export function givenBaseline(
  shap: ShapConfig,
  table: FeatureTable,
): { readonly rows: readonly (readonly (string | number)[])[]; readonly path: string } | undefined {
  if (shap.baseline && "rows" in shap.baseline) {
    return { rows: shap.baseline.rows, path: "$.methods.shap.baseline" };
  }
  if (shap.baseline && "uri" in shap.baseline) {
    return {
      rows: readBaselineFile(shap.baseline.uri, table, shap.baseline.readFrom),
      path: `baseline ${shap.baseline.uri}`,
    };
  }
  return undefined;
}

/** The features whose column the shard holds as numbers but for which the given baseline has text. */
export function numericBaselineTextFeatures(shap: ShapConfig, table: FeatureTable): number[] {
  const given = givenBaseline(shap, table);
  const features = new Set<number>();
  for (const row of given?.rows ?? []) {
    row.forEach((cell, f) => {
      if (f < table.featureCount && table.categories[f] === undefined && isTextCell(cell)) features.add(f);
    });
  }
  return [...features].sort((a, b) => a - b);
}

/**
 * A shard's table with the given baseline's categories that the shard lacks added to their
 * features' categories (after the shard's own, so no row's code changes), and the message one
 * instance would refuse each such cell with, should no shard hold it.
 */
export function withBaselineCategories(
  shap: ShapConfig,
  table: FeatureTable,
): { readonly table: FeatureTable; readonly unseen: string[] } {
  const given = givenBaseline(shap, table);
  const unseen: string[] = [];
  if (given === undefined) return { table, unseen };
  const categories = table.categories.map((c) => (c ? [...c] : undefined));
  given.rows.forEach((row, r) => {
    row.forEach((cell, f) => {
      const known = categories[f];
      if (known === undefined || known.includes(String(cell))) return;
      unseen.push(notACategory(given.path, r, f, cell, table));
      known.push(String(cell));
    });
  });
  return { table: { ...table, categories }, unseen };
}

function notACategory(
  path: string,
  r: number,
  f: number,
  cell: string | number,
  table: FeatureTable,
): string {
  return categoryMessage(`${path}[${r}][${f}]`, cell, table.names[f] as string);
}

/** Baseline rows in the dataset's values (numbers, category text) as feature codes. */
function encodeRows(
  rows: readonly (readonly (string | number)[])[],
  table: FeatureTable,
  path: string,
): Float64Array {
  const F = table.featureCount;
  const out = new Float64Array(rows.length * F);
  rows.forEach((row, r) => {
    if (row.length !== F) {
      throw new EngineInputError(
        `${path}[${r}]: ${row.length} values, but the model takes ${F} features (${table.names.join(", ")})`,
      );
    }
    row.forEach((cell, f) => {
      const categories = table.categories[f];
      if (categories) {
        const code = categories.indexOf(String(cell));
        if (code < 0) throw new EngineInputError(notACategory(path, r, f, cell, table));
        out[r * F + f] = code;
      } else {
        if (isTextCell(cell)) {
          throw new EngineInputError(notANumber(`${path}[${r}][${f}]`, cell, table.names[f] as string));
        }
        out[r * F + f] = typeof cell === "number" ? cell : parseNumberText(cell);
      }
    });
  });
  return out;
}

/** Baseline rows as the dataset's CSV (category codes back to their text): explanations_shap/baseline.csv. */
export function baselineCsv(table: FeatureTable, rows: Float64Array): string {
  const F = table.featureCount;
  const lines = [table.names.map(csvCell).join(",")];
  for (let r = 0; r < rows.length / F; r++) {
    lines.push(
      Array.from(rows.subarray(r * F, r * F + F), (v, f) =>
        csvCell(table.categories[f]?.[v] ?? String(v)),
      ).join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}
