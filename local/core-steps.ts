/**
 * The production binding of the local runtime: each Lambda step runs its real core, reaching
 * S3 through the embedded server and SageMaker through the processing emulator. Their errors
 * are cut to what Step Functions takes, as the handlers cut them.
 */
import { collectResults } from "../lambdas/collect-results/collect.ts";
import { tablesBytesLimit } from "../lambdas/collect-results/partial-results.ts";
import { recordFailure } from "../lambdas/collect-results/record-failure.ts";
import { withBoundedErrors } from "../lambdas/shared/failure-text.ts";
import { DEFAULT_COLLECT_RESULTS_MEMORY_MIB } from "../lambdas/shared/settings.ts";
import { stageInputs } from "../lambdas/stage-inputs/stage-inputs.ts";
import { validateConfig } from "../lambdas/validate-config/validate-config.ts";
import type { LocalStepDeps } from "./local-run.ts";
import type { LocalSteps } from "./steps.ts";

export function coreSteps({ s3, settings, emulator }: LocalStepDeps): LocalSteps {
  return {
    validateConfig: withBoundedErrors((event) => validateConfig(event, { s3, settings })),
    stageInputs: withBoundedErrors((event) => stageInputs(event, { s3, settings })),
    // The deployed function's default memory bounds the merge of several instances' counts here too.
    collectResults: withBoundedErrors((event) =>
      collectResults(event, { s3, maxTablesBytes: tablesBytesLimit(DEFAULT_COLLECT_RESULTS_MEMORY_MIB) }),
    ),
    recordFailure: withBoundedErrors((event) =>
      recordFailure(event, {
        s3,
        settings,
        describeProcessingJob: async (name) => {
          const job = emulator.listJobs().find((candidate) => candidate.ProcessingJobName === name);
          return job && emulator.describeProcessingJob(name);
        },
      }),
    ),
  };
}
