/**
 * The StageInputs step: snapshot the run's inputs into its folder, render the
 * CreateProcessingJob request, and record both in `<runUri>run.json`.
 *
 * Retrying the step is safe: copies already made are skipped and the rendered request
 * is a pure function of the event.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { NormalizedRun, StagedRun, StageInputsEvent } from "../../contracts/pipeline-state.ts";
import { joinS3Uri, parseS3Uri } from "../../contracts/s3-uri.ts";
import { StagingError } from "../shared/errors.ts";
import { putJson } from "../shared/s3-objects.ts";
import type { DeploymentSettings } from "../shared/settings.ts";
import { processingJobName } from "./job-name.ts";
import { renderProcessingJobRequest } from "./processing-job-request.ts";
import { asStagingError } from "./s3-copy.ts";
import { type SnapshotStats, snapshotAnalysisConfig, snapshotDataset } from "./snapshot.ts";

export interface StageInputsDeps {
  readonly s3: S3Client;
  readonly settings: DeploymentSettings;
  /**
   * Objects copied at once.
   * @default 8
   */
  readonly copyConcurrency?: number;
  /**
   * Objects larger than this are copied part by part (UploadPartCopy).
   * @default 5 GiB, CopyObject's limit
   */
  readonly multipartThresholdBytes?: number;
  /**
   * Part size of multipart copies.
   * @default 512 MiB
   */
  readonly partSizeBytes?: number;
  /** Receives the copy counts; lets callers see that a retry copied nothing. */
  readonly onStats?: (stats: Readonly<SnapshotStats>) => void;
}

export const DEFAULT_COPY_CONCURRENCY = 8;

export async function stageInputs(event: StageInputsEvent, deps: StageInputsDeps): Promise<StagedRun> {
  const { run, execution } = event;
  if (!parseS3Uri(run.runUri)) {
    throw new StagingError(`run.runUri "${run.runUri}" is not a valid S3 URI (s3://bucket/prefix/)`);
  }
  const options = {
    s3: deps.s3,
    copyConcurrency: deps.copyConcurrency ?? DEFAULT_COPY_CONCURRENCY,
    allowedBuckets: deps.settings.allowedBuckets,
    multipartThresholdBytes: deps.multipartThresholdBytes,
    partSizeBytes: deps.partSizeBytes,
  };
  const stats: SnapshotStats = { copied: 0, skipped: 0 };

  const [analysisConfigUri, dataset] = await Promise.all([
    snapshotAnalysisConfig(run, options, stats),
    run.dataset ? snapshotDataset(run, run.dataset, options, stats) : Promise.resolve(undefined),
  ]);
  deps.onStats?.(stats);

  const jobName = processingJobName(deps.settings.jobNamePrefix, run.runName, execution.id);
  const request = renderProcessingJobRequest({
    run,
    jobName,
    analysisConfigUri,
    dataset,
    engine: deps.settings.engine,
  });
  const stagedRun: NormalizedRun = {
    ...run,
    analysisConfig: { s3Uri: analysisConfigUri },
    ...(dataset ? { dataset } : {}),
  };

  await writeRunRecord(deps.s3, run, request, event);
  return { run: stagedRun, clarifyJob: { request, timeoutSeconds: run.timeoutSeconds } };
}

/** `<runUri>run.json`: the normalised input as given and the request it became. */
async function writeRunRecord(
  s3: S3Client,
  run: NormalizedRun,
  request: StagedRun["clarifyJob"]["request"],
  event: StageInputsEvent,
): Promise<void> {
  const uri = joinS3Uri(run.runUri, "run.json");
  try {
    await putJson(s3, uri, { run, request, execution: event.execution });
  } catch (error) {
    throw asStagingError(error, `cannot write the run record ${uri}`);
  }
}
