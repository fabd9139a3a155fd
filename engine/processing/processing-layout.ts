/**
 * The files of a SageMaker processing container: what the job downloads into
 * `/opt/ml/processing` (the `LocalPath`s Clarify uses), what it uploads from there, and the
 * message file SageMaker reads when the container exits.
 */
import { join } from "node:path";

/** The container's processing root. */
export const PROCESSING_ROOT = "/opt/ml/processing";

/** SageMaker reports the first 1 KB of this file as the job's ExitMessage (and its failure reason). */
export const MESSAGE_FILE = "/opt/ml/output/message";

/** Clarify's `LocalPath`s, relative to the processing root. */
export const CLARIFY_PATHS = {
  config: "input/config/analysis_config.json",
  data: "input/data",
  predictedLabels: "input/predicted_label_data",
  output: "output",
} as const;

/** The Clarify paths of a processing tree rooted at `processingDir`. */
export function processingPaths(processingDir: string): Record<keyof typeof CLARIFY_PATHS, string> {
  return {
    config: join(processingDir, CLARIFY_PATHS.config),
    data: join(processingDir, CLARIFY_PATHS.data),
    predictedLabels: join(processingDir, CLARIFY_PATHS.predictedLabels),
    output: join(processingDir, CLARIFY_PATHS.output),
  };
}
