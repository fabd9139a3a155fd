/**
 * The processing job's image, locally: the engine's processing entrypoint run on the job's
 * `/opt/ml/processing` tree (inputs already downloaded by the emulator), with the job's
 * Environment as its environment.
 */
import { runProcessingJob } from "../engine/processing/run-processing-job.ts";
import type { ContainerRun } from "./processing-emulator.ts";

export { INTERVAL_ENVIRONMENT, intervalsFromEnvironment } from "../engine/processing/interval-environment.ts";
export { CLARIFY_PATHS } from "../engine/processing/processing-layout.ts";

export async function clarifyEngineContainer(run: ContainerRun): Promise<void> {
  const environment = (run.request.Environment ?? {}) as Record<string, string>;
  await runProcessingJob({ processingDir: run.processingDir, log: () => {}, environment });
}
