/**
 * How the config's `dataset_type` is read: the one place that maps it to a `TableFormat`, so
 * the count pass and the explanations' feature table read a dataset alike.
 */
import type { AnalysisConfig } from "../config/analysis-config.ts";
import { datasetFiles } from "./dataset-files.ts";
import type { TableFormat } from "./open-table.ts";

/** The dataset's format; JSON Lines rows end with the values at `extraPaths` (label, predicted label). */
export function datasetFormat(config: AnalysisConfig, extraPaths: readonly string[]): TableFormat {
  if (config.datasetType === "application/jsonlines") {
    return {
      kind: "jsonlines",
      ...(config.headers && { headers: config.headers }),
      ...(config.features && { features: config.features }),
      extraPaths,
    };
  }
  return { kind: tableKind(config), ...(config.headers && { headers: config.headers }) };
}

/** The format of the dataset behind `predicted_label_dataset_uri`. */
export function predictedLabelFormat(config: AnalysisConfig): TableFormat {
  if (config.datasetType === "application/jsonlines") {
    return { kind: "jsonlines", extraPaths: [String(config.predictedLabel)] };
  }
  return {
    kind: tableKind(config),
    ...(config.predictedLabelHeaders && { headers: config.predictedLabelHeaders }),
  };
}

/**
 * The files of a dataset of this config's type. For Parquet, the markers Spark and Hive leave
 * beside the part files (`_SUCCESS`, `_metadata`, a `_temporary/` folder) are not data.
 * `allowEmpty`: a folder without files gives none rather than failing (a host's shard).
 */
export function datasetFilesOf(
  config: AnalysisConfig,
  path: string,
  what?: string,
  options: { readonly allowEmpty?: boolean } = {},
): string[] {
  return datasetFiles(path, what, {
    skipMarkers: config.datasetType === "application/x-parquet",
    ...(options.allowEmpty && { allowEmpty: true }),
  });
}

function tableKind(config: AnalysisConfig): "csv" | "parquet" {
  return config.datasetType === "application/x-parquet" ? "parquet" : "csv";
}
