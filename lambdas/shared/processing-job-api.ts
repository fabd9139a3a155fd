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
