import { isRecord, show } from "../problems.ts";
import type { Rule } from "./context.ts";

export const DATASET_S3_DATA_TYPES = ["S3Prefix", "ManifestFile"] as const;

/** S3Prefix (an object or a prefix) or ManifestFile (an object listing the data files). */
export const checkDatasetS3DataType: Rule = (draft, _context, problems) => {
  const field = draft.datasetS3DataType;
  if (!field) return;
  if (!(DATASET_S3_DATA_TYPES as readonly unknown[]).includes(field.value)) {
    problems.add(
      field.path,
      `${show(field.value)} is not supported; S3DataType must be S3Prefix or ManifestFile`,
    );
  }
};

/**
 * The dataset may be left out only when the analysis config names its own `dataset_uri`.
 * With analysisConfigUri (and in every raw request, whose config is an input), the config
 * is read in the pre-flight, which makes this check then. A `dataset` given without a
 * usable `uri` was already reported where it was written.
 */
export const checkDatasetPresent: Rule = (draft, _context, problems) => {
  if (draft.form === "request" || draft.dataset || draft.datasetUri || draft.analysisConfigUri) return;
  const config = draft.analysisConfig?.value;
  if (isRecord(config) && Object.hasOwn(config, "dataset_uri")) return;
  problems.add(draft.datasetPath, datasetMissingMessage(draft.form));
};

export function datasetMissingMessage(form: "run" | "request"): string {
  const where = form === "run" ? "dataset.uri" : 'an input named "dataset"';
  return `the dataset is required: give ${where}, or dataset_uri in the analysis configuration`;
}
