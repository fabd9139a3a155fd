/** Facts about SageMaker's CreateProcessingJob API that several parts of the project check. */

/** Top-level members of a CreateProcessingJob request (SageMaker API reference); any other is rejected. */
export const CREATE_PROCESSING_JOB_FIELDS = [
  "ProcessingJobName",
  "ProcessingInputs",
  "ProcessingOutputConfig",
  "ProcessingResources",
  "StoppingCondition",
  "AppSpecification",
  "Environment",
  "NetworkConfig",
  "RoleArn",
  "Tags",
  "ExperimentConfig",
] as const;

/** `ProcessingJobName`: 1-63 letters, digits and inner hyphens. */
export const PROCESSING_JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** The longest `ProcessingJobName`. */
export const MAX_PROCESSING_JOB_NAME_LENGTH = 63;

/** The longest `StoppingCondition.MaxRuntimeInSeconds` of a processing job: 7 days. */
export const MAX_RUNTIME_SECONDS = 604_800;

/** `ClusterConfig.InstanceType`: `ml.<family>.<size>`. */
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;

/** GPU and accelerator families (p, g, inf, trn): Clarify runs on CPUs only, so these only cost money. */
export const GPU_INSTANCE_FAMILY_PATTERN = /^ml\.(p|g|inf|trn)\d/;

/** The largest `ClusterConfig.VolumeSizeInGB`. */
export const MAX_VOLUME_SIZE_GB = 16_384;

/** Container paths (`LocalPath`) where Clarify reads its inputs and leaves its result. */
export const CLARIFY_CONTAINER_PATHS = {
  config: "/opt/ml/processing/input/config",
  data: "/opt/ml/processing/input/data",
  output: "/opt/ml/processing/output",
} as const;
