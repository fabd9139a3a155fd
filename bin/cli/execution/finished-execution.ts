/**
 * The closing lines for an execution: DescribeExecution plus what the history showed,
 * worded as `run --local` words its ending. Shared by `start --wait` and `status`.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import type { AwsOutcome } from "./aws-outcome.ts";
import { formatVerdictLines } from "./verdict.ts";

export function describeExecution(
  client: Pick<SFNClient, "send">,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

/** The verdict line, the state transitions when counted, where summary.json and the report are. */
export function formatOutcome(outcome: AwsOutcome, stateTransitions?: number): string[] {
  return [
    ...formatVerdictLines(outcome.verdict, outcome.message, stateTransitions),
    `summary: ${outcome.summaryUri ?? "none recorded"}`,
    ...(outcome.reportUri === undefined ? [] : [`report: ${outcome.reportUri}`]),
  ];
}
