/** The features and labels of a config as the explanations name them. */
import type { AnalysisConfig, ColumnRef } from "../config/analysis-config.ts";
import { EngineInputError } from "../errors.ts";
import type { FeatureTable } from "./feature-table.ts";

/** A feature named or indexed (zero-based among the features) in the config. */
export function featureIndex(ref: ColumnRef, table: FeatureTable, path: string): number {
  if (typeof ref === "number") {
    if (ref < table.featureCount) return ref;
    throw new EngineInputError(
      `${path}: feature index ${ref} is out of range: the model takes ${table.featureCount} features`,
    );
  }
  const index = table.names.indexOf(ref);
  if (index < 0) {
    throw new EngineInputError(
      `${path}: "${ref}" is not a feature; the features are ${table.names.map((n) => `"${n}"`).join(", ")}`,
    );
  }
  return index;
}

/** The names of the model's scores: `label_headers`, else `label0`, `label1`, ... */
export function labelNames(config: AnalysisConfig, outputs: number): string[] {
  const headers = config.predictor?.labelHeaders;
  if (headers === undefined) return Array.from({ length: outputs }, (_, o) => `label${o}`);
  if (headers.length !== outputs) {
    throw new EngineInputError(
      `$.predictor.label_headers: ${headers.length} names, but the model answers ${outputs} score${outputs === 1 ? "" : "s"} per row`,
    );
  }
  return [...headers];
}
