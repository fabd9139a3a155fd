/** Lambda handler of the stage-inputs step: a thin adapter over stageInputs. */
import { S3Client } from "@aws-sdk/client-s3";
import type { StagedRun, StageInputsEvent } from "../../contracts/pipeline-state.ts";
import { withBoundedErrors } from "../shared/failure-text.ts";
import { createLogger } from "../shared/logger.ts";
import { settingsFromEnvironment } from "../shared/settings.ts";
import { stageInputs } from "./stage-inputs.ts";

const logger = createLogger("StageInputs");
// Created once per container so connections are reused across invocations.
const s3 = new S3Client({});

/** Its errors quote object keys and service messages, so they are cut to what Step Functions takes. */
export const handler = withBoundedErrors(stage);

async function stage(event: StageInputsEvent): Promise<StagedRun> {
  const settings = settingsFromEnvironment(process.env);
  logger.appendKeys({ runId: event.run?.runId, execution: event.execution?.name });
  const staged = await stageInputs(event, {
    s3,
    settings,
    onStats: (stats) => logger.info("inputs staged", { copied: stats.copied, skipped: stats.skipped }),
  });
  logger.info("processing job request rendered", {
    processingJobName: staged.clarifyJob.request.ProcessingJobName,
  });
  return staged;
}
