/** Lambda handler of the validate-config step: a thin adapter over validateConfig. */
import { S3Client } from "@aws-sdk/client-s3";
import type { NormalizedRun, ValidateConfigEvent } from "../../contracts/pipeline-state.ts";
import { ConfigValidationError } from "../shared/errors.ts";
import { withBoundedErrors } from "../shared/failure-text.ts";
import { createLogger } from "../shared/logger.ts";
import { type DeploymentSettings, settingsFromEnvironment } from "../shared/settings.ts";
import { validateConfig } from "./validate-config.ts";

export { validateRunInputOffline } from "./offline.ts";
export { validateConfig } from "./validate-config.ts";

const logger = createLogger("ValidateConfig");
// Built on the first invocation and reused by the container's later ones.
let deps: { s3: S3Client; settings: DeploymentSettings } | undefined;

/** The problems quote the input's values, so the error is cut to what Step Functions takes. */
export const handler = withBoundedErrors(validate);

async function validate(event: ValidateConfigEvent): Promise<NormalizedRun> {
  logger.appendKeys({ execution: event?.execution?.name });
  try {
    if (!deps) {
      const settings = settingsFromEnvironment(process.env);
      deps = { settings, s3: new S3Client({ region: settings.region }) };
    }
    const run = await validateConfig(event, deps);
    logger.info("run input is valid", { runId: run.runId, runUri: run.runUri });
    return run;
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      // Paths only: messages quote input values (inline config, dataset header), which
      // belong in the run's own record and execution history, not in shared logs.
      logger.warn("run input is invalid", {
        problemCount: error.problems.length,
        paths: error.problems.map((problem) => problem.path),
      });
    } else {
      logger.error("validation could not complete", error as Error);
    }
    throw error;
  }
}
