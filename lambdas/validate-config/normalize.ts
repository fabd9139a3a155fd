import type { BaselineSpec, DatasetLocation, NormalizedRun } from "../../contracts/pipeline-state.ts";
import { asPrefixUri } from "../../contracts/s3-uri.ts";
import { runIdFor } from "../shared/run-id.ts";
import type { DeploymentSettings } from "../shared/settings.ts";
import type { Located } from "./problems.ts";
import type { RunDraft } from "./run-input.ts";

/** Builds the normalised run from a draft that passed every rule, applying the deployment defaults. */
export function normalizeRun(
  draft: RunDraft,
  settings: DeploymentSettings,
  executionName: string,
): NormalizedRun {
  const get = <T>(field: Located | undefined, fallback: T): T => (field ? (field.value as T) : fallback);
  const maybe = <T>(field: Located | undefined): T | undefined => field?.value as T | undefined;
  const runName = get<string | undefined>(draft.runName, undefined);
  const runId = runIdFor(runName, executionName);
  const maxRuntimeInSeconds = get(draft.job.maxRuntimeInSeconds, settings.defaultMaxRuntimeInSeconds);
  const dataset: DatasetLocation | undefined = draft.datasetUri
    ? {
        s3Uri: draft.datasetUri.value as string,
        s3DataType: get<DatasetLocation["s3DataType"]>(draft.datasetS3DataType, "S3Prefix"),
      }
    : undefined;
  const optional = {
    volumeKmsKeyId: maybe<string>(draft.job.volumeKmsKeyId),
    vpcConfig: maybe<NormalizedRun["job"]["vpcConfig"]>(draft.job.vpcConfig),
    tags: maybe<NormalizedRun["job"]["tags"]>(draft.job.tags),
    environment: maybe<Record<string, string>>(draft.job.environment),
    outputKmsKeyId: maybe<string>(draft.job.outputKmsKeyId),
  };
  return {
    runId,
    runName: runName ?? executionName,
    runUri: `${asPrefixUri(get(draft.outputUri, settings.defaultOutputUri))}${runId}/`,
    analysisConfig: draft.analysisConfig
      ? { inline: draft.analysisConfig.value as Record<string, unknown> }
      : { s3Uri: draft.analysisConfigUri?.value as string },
    ...(dataset ? { dataset } : {}),
    job: {
      instanceType: get(draft.job.instanceType, settings.defaultInstanceType),
      instanceCount: get(draft.job.instanceCount, settings.defaultInstanceCount),
      volumeSizeInGB: get(draft.job.volumeSizeInGB, settings.defaultVolumeSizeInGB),
      maxRuntimeInSeconds,
      imageUri: get(draft.job.imageUri, settings.clarifyImageUri),
      roleArn: get(draft.job.roleArn, settings.defaultRoleArn),
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    },
    gates: get(draft.gates, {}),
    ...(draft.baseline ? { baseline: draft.baseline.value as BaselineSpec } : {}),
    ...(draft.modelPackageArn ? { modelPackageArn: draft.modelPackageArn.value as string } : {}),
    timeoutSeconds: maxRuntimeInSeconds + settings.timeoutMarginSeconds,
  };
}
