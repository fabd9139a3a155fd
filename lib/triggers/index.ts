/** Companion constructs that start Clarify pipeline runs: schedules, training jobs, model packages. */
export {
  type ClarifyRunSchedule,
  ClarifyRunSchedules,
  type ClarifyRunSchedulesProps,
} from "./clarify-run-schedules.ts";
export type { StartDeliveryProps } from "./delivery.ts";
export { ClarifyModelPackageTrigger, type ClarifyModelPackageTriggerProps } from "./model-package-trigger.ts";
export { ClarifyTrainingJobTrigger, type ClarifyTrainingJobTriggerProps } from "./training-job-trigger.ts";
