/**
 * The verdict of a finished AWS execution, from DescribeExecution and what the history
 * showed. The execution itself carries everything the verdict needs, so the CLI reads no
 * S3 object and its user needs no access to the artifacts bucket (or its KMS key):
 * - SUCCEEDED: the output is the execution data; its `verdict` holds the gate message and
 *   the summary.json URI (CollectResults' result).
 * - FAILED with BiasGateFailed: the cause is the verdict message; summary.json's URI is in
 *   CollectResults' result in the history.
 * - FAILED otherwise: error and cause are the failed step's own (the Fail state rethrows
 *   them); RecordFailure's result in the history says where summary.json went.
 * - TIMED_OUT / ABORTED: no step ran to the end; the summary line names the last state.
 */
import type { DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import { readableCause } from "../../../local/progress-format.ts";
import { parseJson } from "./parse-json.ts";
import type { RunVerdict } from "./verdict.ts";

/** What the history adds to DescribeExecution. */
export interface HistoryFacts {
  readonly failedStep?: string;
  readonly summaryUri?: string;
  /** CollectResults' report.html, when it wrote one. */
  readonly reportUri?: string;
  readonly lastState?: string;
}

export interface AwsOutcome {
  readonly verdict: RunVerdict;
  /** One line for people, as `run --local` words it. */
  readonly message: string;
  readonly summaryUri?: string;
  readonly reportUri?: string;
}

type Description = Pick<DescribeExecutionCommandOutput, "status" | "output" | "error" | "cause">;

/** The outcome of a finished execution, with the report CollectResults wrote; undefined while it runs. */
export function describeAwsOutcome(execution: Description, facts: HistoryFacts): AwsOutcome | undefined {
  const outcome = verdictOf(execution, facts);
  return outcome && facts.reportUri !== undefined ? { ...outcome, reportUri: facts.reportUri } : outcome;
}

function verdictOf(execution: Description, facts: HistoryFacts): AwsOutcome | undefined {
  const inState = facts.lastState ? ` in ${facts.lastState}` : "";
  switch (execution.status) {
    case "SUCCEEDED": {
      const verdict = (
        parseJson(execution.output) as { verdict?: { message?: unknown; summaryUri?: unknown } }
      )?.verdict;
      const summaryUri = typeof verdict?.summaryUri === "string" ? verdict.summaryUri : facts.summaryUri;
      const detail = typeof verdict?.message === "string" ? `: ${verdict.message}` : "";
      return { verdict: "succeeded", message: `every bias gate passed${detail}`, summaryUri };
    }
    case "FAILED":
    case "PENDING_REDRIVE": {
      if (execution.error === "BiasGateFailed") {
        return {
          verdict: "bias-gate-failed",
          message: `bias gate failed: ${execution.cause ?? ""}`,
          summaryUri: facts.summaryUri,
        };
      }
      const step = facts.failedStep ? ` at ${facts.failedStep}` : "";
      return {
        verdict: "failed",
        message: `failed${step}: ${execution.error ?? "unknown error"}: ${readableCause(execution.cause)}`,
        summaryUri: facts.summaryUri,
      };
    }
    case "TIMED_OUT":
      return {
        verdict: "timed-out",
        message: `the execution timed out${inState}; no summary.json was written for it`,
        summaryUri: facts.summaryUri,
      };
    case "ABORTED":
      return {
        verdict: "aborted",
        message: `the execution was stopped${inState}; Step Functions tries to stop a processing job it was waiting for`,
        summaryUri: facts.summaryUri,
      };
    default:
      return undefined;
  }
}
