import { parseS3Uri } from "../../../contracts/s3-uri.ts";
import { childPath, isRecord, type Located, type Problems } from "../problems.ts";
import type { RunDraft } from "../run-input.ts";
import { DATA_URI_KEYS } from "./analysis-config.ts";

/** The S3 URI fields of a run whose buckets the job reads or writes. */
export function bucketFields(draft: RunDraft): Located[] {
  const fields = [draft.analysisConfigUri, draft.datasetUri, draft.outputUri].filter(
    (f): f is Located => !!f,
  );
  const config = draft.analysisConfig?.value;
  if (isRecord(config) && draft.analysisConfig) {
    for (const key of DATA_URI_KEYS) {
      if (typeof config[key] === "string")
        fields.push({ value: config[key], path: childPath(draft.analysisConfig.path, key) });
    }
  }
  return fields.filter((field) => typeof field.value === "string" && parseS3Uri(field.value) !== undefined);
}

/** SageMaker reads and writes S3 only in the job's own region. */
export function checkBucketRegions(
  fields: readonly Located[],
  regions: ReadonlyMap<string, string>,
  jobRegion: string,
  problems: Problems,
): void {
  for (const field of fields) {
    const bucket = parseS3Uri(String(field.value))?.bucket ?? "";
    const region = regions.get(bucket);
    if (region !== undefined && region !== jobRegion) {
      problems.add(
        field.path,
        `bucket "${bucket}" is in ${region}, but the job runs in ${jobRegion}; S3 buckets must be in the job's region`,
      );
    }
  }
}
