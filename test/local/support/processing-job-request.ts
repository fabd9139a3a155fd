/**
 * A CreateProcessingJob request of the shape the pipeline renders (the analysis_config and
 * dataset inputs, one analysis_result output), for the processing emulator's tests.
 */

export interface EmulatedJob {
  readonly name: string;
  readonly imageUri: string;
  /** The analysis_config input's S3 URI (an object or a prefix). */
  readonly configUri: string;
  /** The dataset input's S3 prefix. */
  readonly datasetUri: string;
  /** Where the analysis_result output is uploaded. */
  readonly outputUri: string;
  readonly maxRuntimeSeconds: number;
  /** @default 1 */
  readonly instanceCount?: number;
  /** Each input's S3DataDistributionType. @default left out (SageMaker's FullyReplicated) */
  readonly configDistribution?: string;
  readonly datasetDistribution?: string;
  /** @default no Environment field */
  readonly environment?: Readonly<Record<string, string>>;
}

export function processingJobRequest(job: EmulatedJob): Record<string, unknown> {
  const input = (InputName: string, S3Uri: string, LocalPath: string, distribution?: string) => ({
    InputName,
    S3Input: {
      S3Uri,
      LocalPath,
      S3DataType: "S3Prefix",
      S3InputMode: "File",
      ...(distribution ? { S3DataDistributionType: distribution } : {}),
    },
  });
  return {
    ProcessingJobName: job.name,
    RoleArn: "arn:aws:iam::000000000000:role/clarify-local",
    AppSpecification: { ImageUri: job.imageUri },
    ProcessingResources: {
      ClusterConfig: {
        InstanceCount: job.instanceCount ?? 1,
        InstanceType: "ml.c5.xlarge",
        VolumeSizeInGB: 20,
      },
    },
    StoppingCondition: { MaxRuntimeInSeconds: job.maxRuntimeSeconds },
    ProcessingInputs: [
      input("analysis_config", job.configUri, "/opt/ml/processing/input/config", job.configDistribution),
      input("dataset", job.datasetUri, "/opt/ml/processing/input/data", job.datasetDistribution),
    ],
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: "analysis_result",
          S3Output: {
            S3Uri: job.outputUri,
            LocalPath: "/opt/ml/processing/output",
            S3UploadMode: "EndOfJob",
          },
        },
      ],
    },
    ...(job.environment && { Environment: { ...job.environment } }),
  };
}
