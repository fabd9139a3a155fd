import { GetExecutionHistoryCommand } from "@aws-sdk/client-sfn";
import type { Command } from "commander";
import { parseExecutionArn, regionFor } from "../aws/arns.ts";
import { sfnCall } from "../aws/sfn-call.ts";
import { createDefaultSfnClient } from "../aws/sfn-client.ts";
import type { CliContext } from "../context.ts";
import { describeAwsOutcome } from "../execution/aws-outcome.ts";
import { describeExecution, formatOutcome } from "../execution/finished-execution.ts";
import { HistoryProgress } from "../execution/history-progress.ts";

interface StatusOptions {
  readonly region?: string;
}

/**
 * How many of the newest history events are read. The current state is among the last few
 * events of a running execution, and a finished one's summary.json location among the last
 * seven (RecordFailure's result, the Fail state, the end of the execution).
 */
export const STATUS_HISTORY_EVENTS = 25;

const STATUS_HELP = `
Prints the execution's status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), the state it
is in while it runs, its start and stop times, and once it has finished its verdict and
where summary.json and the run's report.html are. The exit code is 0 whatever the run's outcome (use start --wait to
gate on it).`;

/** `clarify-pipeline status`: where an execution stands, from its newest history events. */
export function registerStatusCommand(program: Command, context: CliContext): void {
  program
    .command("status")
    .description("show an AWS execution's status, current state and, once finished, its verdict")
    .argument("<execution-arn>", "the execution ARN start printed")
    .option("--region <region>", "AWS region (default: the execution ARN's)")
    .addHelpText("after", STATUS_HELP)
    .action(async (executionArn: string, options: StatusOptions) => {
      const arn = parseExecutionArn(executionArn);
      const region = regionFor(arn, options.region);
      const client = (context.createSfnClient ?? createDefaultSfnClient)(region);
      const subject = { executionArn, region };
      const description = await sfnCall(subject, () => describeExecution(client, executionArn));
      const newest = await sfnCall(subject, () =>
        client.send(
          new GetExecutionHistoryCommand({
            executionArn,
            reverseOrder: true,
            maxResults: STATUS_HISTORY_EVENTS,
            includeExecutionData: true,
          }),
        ),
      );
      const facts = new HistoryProgress();
      for (const event of [...(newest.events ?? [])].reverse()) facts.add(event);

      const lines = [`execution: ${executionArn}`, `status: ${description.status ?? "UNKNOWN"}`];
      if (description.status === "RUNNING") lines.push(`state: ${facts.currentState ?? "(between states)"}`);
      if (description.startDate) lines.push(`started: ${description.startDate.toISOString()}`);
      if (description.stopDate) lines.push(`stopped: ${description.stopDate.toISOString()}`);
      const outcome = describeAwsOutcome(description, {
        failedStep: facts.failedStep,
        summaryUri: facts.summaryUri,
        reportUri: facts.reportUri,
        lastState: facts.lastState,
      });
      if (outcome) lines.push(...formatOutcome(outcome));
      context.stdout(`${lines.join("\n")}\n`);
    });
}
