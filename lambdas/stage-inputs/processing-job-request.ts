/**
 * Renders the CreateProcessingJob request of a staged run, following every rule of a
 * Clarify processing job (AppSpecification without entrypoint or arguments, the two
 * named inputs, exactly one `analysis_result` output, network isolation off).
 *
 * RunClarifyJob reads every top-level field from this request, so each one is always
 * present, even when empty.
 */
import type {
  CreateProcessingJobRequest,
  DatasetLocation,
  NormalizedRun,
} from "../../contracts/pipeline-state.ts";
import { joinS3Uri } from "../../contracts/s3-uri.ts";
import { CLARIFY_CONTAINER_PATHS } from "../shared/processing-job-api.ts";
import type { EngineKind } from "../shared/settings.ts";

/** Tag linking the job (and Clarify's shadow endpoint, which inherits job tags) to its run. */
export const RUN_ID_TAG = "clarify-pipeline:run-id";

/** What the request is rendered from: the run with its inputs already snapshotted. */
export interface RequestInputs {
  readonly run: NormalizedRun;
  readonly jobName: string;
  readonly analysisConfigUri: string;
  readonly dataset?: DatasetLocation;
  /** The deployment's engine: it decides how the dataset reaches several instances. @default "clarify" */
  readonly engine?: EngineKind;
}

/**
 * How the dataset input reaches the job's hosts. The Clarify image needs the whole dataset on
 * every instance (its Spark cluster divides the work). The builtin engine has each host count
 * its share of the dataset's S3 objects and CollectResults merge the counts, so with several
 * instances the input is sharded by object; the analysis config stays replicated to every host.
 */
export function datasetDistribution(
  engine: EngineKind,
  instanceCount: number,
): "FullyReplicated" | "ShardedByS3Key" {
  return engine === "builtin" && instanceCount > 1 ? "ShardedByS3Key" : "FullyReplicated";
}

export function renderProcessingJobRequest(inputs: RequestInputs): CreateProcessingJobRequest {
  const { run, jobName } = inputs;
  const job = run.job;
  const processingInputs: Record<string, unknown>[] = [
    {
      InputName: "analysis_config",
      S3Input: {
        S3Uri: inputs.analysisConfigUri,
        LocalPath: CLARIFY_CONTAINER_PATHS.config,
        S3DataType: "S3Prefix",
        S3InputMode: "File",
        S3DataDistributionType: "FullyReplicated",
        S3CompressionType: "None",
      },
    },
  ];
  if (inputs.dataset) {
    processingInputs.push({
      InputName: "dataset",
      S3Input: {
        S3Uri: inputs.dataset.s3Uri,
        LocalPath: CLARIFY_CONTAINER_PATHS.data,
        S3DataType: inputs.dataset.s3DataType,
        S3InputMode: "File",
        S3DataDistributionType: datasetDistribution(inputs.engine ?? "clarify", job.instanceCount),
        S3CompressionType: "None",
      },
    });
  }
  return {
    ProcessingJobName: jobName,
    RoleArn: job.roleArn,
    AppSpecification: { ImageUri: job.imageUri },
    ProcessingInputs: processingInputs,
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: "analysis_result",
          S3Output: {
            S3Uri: joinS3Uri(run.runUri, "output/"),
            LocalPath: CLARIFY_CONTAINER_PATHS.output,
            S3UploadMode: "EndOfJob",
          },
        },
      ],
      ...(job.outputKmsKeyId ? { KmsKeyId: job.outputKmsKeyId } : {}),
    },
    ProcessingResources: {
      ClusterConfig: {
        InstanceCount: job.instanceCount,
        InstanceType: job.instanceType,
        VolumeSizeInGB: job.volumeSizeInGB,
        ...(job.volumeKmsKeyId ? { VolumeKmsKeyId: job.volumeKmsKeyId } : {}),
      },
    },
    StoppingCondition: { MaxRuntimeInSeconds: job.maxRuntimeInSeconds },
    NetworkConfig: {
      // Clarify calls the model's (shadow) endpoint, which isolation would forbid.
      EnableNetworkIsolation: false,
      ...(job.vpcConfig
        ? {
            VpcConfig: {
              Subnets: [...job.vpcConfig.Subnets],
              SecurityGroupIds: [...job.vpcConfig.SecurityGroupIds],
            },
          }
        : {}),
    },
    Environment: { ...(job.environment ?? {}) },
    Tags: [
      ...(job.tags ?? []).filter((tag) => tag.Key !== RUN_ID_TAG),
      { Key: RUN_ID_TAG, Value: run.runId },
    ],
  };
}
