import type { Construct } from "constructs";
import type { ClarifyPipeline } from "../clarify-pipeline.ts";
import { ClarifyRunSchedules, type ClarifyRunSchedulesProps } from "./clarify-run-schedules.ts";
import { ClarifyModelPackageTrigger, type ClarifyModelPackageTriggerProps } from "./model-package-trigger.ts";
import { ClarifyTrainingJobTrigger, type ClarifyTrainingJobTriggerProps } from "./training-job-trigger.ts";

/** Which triggers start runs of a pipeline; each is optional. */
export interface PipelineTriggersProps {
  /**
   * Runs on EventBridge Scheduler schedules.
   *
   * @default - no schedule
   */
  readonly schedules?: Omit<ClarifyRunSchedulesProps, "stateMachine">;

  /**
   * A run per completed SageMaker training job.
   *
   * @default - no training-job trigger
   */
  readonly trainingJob?: Omit<ClarifyTrainingJobTriggerProps, "stateMachine">;

  /**
   * A run per new model package of a group, the temporary model running as the pipeline's
   * job role unless another is given.
   *
   * @default - no model-package trigger
   */
  readonly modelPackage?: Omit<ClarifyModelPackageTriggerProps, "stateMachine" | "modelExecutionRole"> &
    Partial<Pick<ClarifyModelPackageTriggerProps, "modelExecutionRole">>;
}

/** The triggers created for a pipeline. */
export interface PipelineTriggers {
  readonly schedules?: ClarifyRunSchedules;
  readonly trainingJob?: ClarifyTrainingJobTrigger;
  readonly modelPackage?: ClarifyModelPackageTrigger;
}

/** Adds the requested triggers beside `pipeline`, in `scope`. */
export function addPipelineTriggers(
  scope: Construct,
  pipeline: ClarifyPipeline,
  props: PipelineTriggersProps,
): PipelineTriggers {
  const { stateMachine } = pipeline;
  return {
    schedules:
      props.schedules && new ClarifyRunSchedules(scope, "RunSchedules", { ...props.schedules, stateMachine }),
    trainingJob:
      props.trainingJob &&
      new ClarifyTrainingJobTrigger(scope, "TrainingJobTrigger", { ...props.trainingJob, stateMachine }),
    modelPackage:
      props.modelPackage &&
      new ClarifyModelPackageTrigger(scope, "ModelPackageTrigger", {
        ...props.modelPackage,
        modelExecutionRole: props.modelPackage.modelExecutionRole ?? pipeline.jobRole,
        stateMachine,
      }),
  };
}
