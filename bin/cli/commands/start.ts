import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { Command } from "commander";
import type { EngineKind } from "../../../lambdas/shared/settings.ts";
import { validateRunInputOffline } from "../../../lambdas/validate-config/offline.ts";
import { isLocalPath } from "../../../lambdas/validate-config/rules/s3-locations.ts";
import { parseStateMachineArn, regionFor } from "../aws/arns.ts";
import { checkExecutionName, defaultExecutionName } from "../aws/execution-name.ts";
import { sfnCall } from "../aws/sfn-call.ts";
import { createDefaultSfnClient } from "../aws/sfn-client.ts";
import { CliError } from "../cli-error.ts";
import { type CliContext, listenForInterrupt } from "../context.ts";
import { describeAwsOutcome } from "../execution/aws-outcome.ts";
import { describeExecution, formatOutcome } from "../execution/finished-execution.ts";
import { abortableSleep, followExecutionHistory } from "../execution/follow-history.ts";
import { HistoryProgress } from "../execution/history-progress.ts";
import { VERDICT_EXIT_CODES } from "../execution/verdict.ts";
import { ExitCode } from "../exit-codes.ts";
import { engineOption, offlineSettings } from "./validate.ts";

interface StartOptions {
  readonly stateMachine: string;
  readonly input: string;
  readonly name?: string;
  readonly wait?: boolean;
  readonly region?: string;
  readonly engine: string;
}

/** Step Functions' limit on an execution input, in UTF-8 bytes. */
const MAX_INPUT_BYTES = 256 * 1024;

const START_HELP = `
run.json is checked first with the rules of the ValidateConfig step (as \`validate\` does);
nothing is started when it has a problem. An AWS run reads its inputs from S3:
analysisConfigUri and dataset.uri must be s3:// URIs (local paths work with \`run --local\`).
The deployment's allowed buckets and the S3 objects themselves are checked by the
ValidateConfig step once the execution runs.

The execution ARN is printed on stdout. With --wait, one line per state follows on stderr,
then the verdict, the summary.json location and the run's report.html; the exit code is the run's (0 succeeded,
2 a bias gate failed, 1 failed, timed out or aborted). Ctrl-C stops following, not the
execution: check it later with \`clarify-pipeline status <execution ARN>\`.`;

/** `clarify-pipeline start`: validate run.json offline, then start an execution on AWS. */
export function registerStartCommand(program: Command, context: CliContext): void {
  program
    .command("start")
    .description(
      "start an execution of the deployed state machine on AWS; with --wait, follow it to its verdict",
    )
    .requiredOption(
      "--state-machine <arn>",
      "ARN of the deployed state machine (stack output StateMachineArn)",
    )
    .requiredOption("--input <path>", "run.json: the execution input, with s3:// URIs")
    .option("--name <name>", "execution name (default: <runName>-<UTC timestamp>-<4 hex>)")
    .option("--wait", "follow the execution until it ends; the exit code is the run's")
    .option("--region <region>", "AWS region (default: the state machine ARN's)")
    .option(
      "--engine <engine>",
      "the deployment's engine, for the offline check: clarify (the SageMaker Clarify image) or builtin (the project's engine image)",
      "clarify",
    )
    .addHelpText("after", START_HELP)
    .action(async (options: StartOptions) => {
      const arn = parseStateMachineArn(options.stateMachine);
      const region = regionFor(arn, options.region);
      const input = await readValidRunInput(options.input, region, engineOption(options.engine), context);
      const runName = (input as { runName?: unknown }).runName;
      const name =
        options.name !== undefined
          ? checkExecutionName(options.name)
          : defaultExecutionName(
              typeof runName === "string" ? runName : undefined,
              context.now?.() ?? new Date(),
              Math.random,
            );
      const body = JSON.stringify(input);
      if (Buffer.byteLength(body) > MAX_INPUT_BYTES) {
        throw new CliError(
          `--input ${options.input} is ${Buffer.byteLength(body)} bytes as JSON; Step Functions takes at most ${MAX_INPUT_BYTES}: put the analysis config in S3 (analysisConfigUri) instead of inline`,
        );
      }

      const client = (context.createSfnClient ?? createDefaultSfnClient)(region);
      const subject = { stateMachineArn: options.stateMachine, executionName: name, region };
      const started = await sfnCall(subject, () =>
        client.send(new StartExecutionCommand({ stateMachineArn: options.stateMachine, name, input: body })),
      );
      const executionArn = started.executionArn ?? "";
      context.stdout(`${executionArn}\n`);
      if (!options.wait) return;

      const progress = new HistoryProgress((line) => context.stderr(`${line}\n`));
      const following = new AbortController();
      const stopListening = listenForInterrupt(context, () => following.abort());
      let ended: boolean;
      try {
        const result = await sfnCall({ executionArn, region }, () =>
          followExecutionHistory({
            client,
            executionArn,
            onEvent: (event) => progress.add(event),
            sleep: context.sleep ?? abortableSleep,
            signal: following.signal,
          }),
        );
        ended = result.terminalEvent !== undefined;
      } finally {
        stopListening();
      }
      if (!ended) {
        context.stderr(
          `stopped following; the execution keeps running. Check it with: clarify-pipeline status ${executionArn}\n`,
        );
        context.setExitCode(ExitCode.Failed);
        return;
      }

      const description = await sfnCall({ executionArn, region }, () =>
        describeExecution(client, executionArn),
      );
      const outcome = describeAwsOutcome(description, {
        failedStep: progress.failedStep,
        summaryUri: progress.summaryUri,
        reportUri: progress.reportUri,
        lastState: progress.lastState,
      });
      if (!outcome)
        throw new CliError(`execution ${executionArn} ended but reports status ${description.status}`);
      context.stderr(`${formatOutcome(outcome, progress.stateTransitions).join("\n")}\n`);
      context.setExitCode(VERDICT_EXIT_CODES[outcome.verdict]);
    });
}

/**
 * run.json, read and checked with the ValidateConfig rules as `validate` runs them, except
 * that local paths are refused: the execution reads its inputs from S3.
 */
async function readValidRunInput(
  path: string,
  region: string,
  engine: EngineKind,
  context: CliContext,
): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(path), "utf8");
  } catch (error) {
    throw new CliError(`cannot read --input ${path}: ${(error as Error).message}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--input ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const problems = await validateRunInputOffline(input, offlineSettings(region, [], engine), {
    baseDir: dirname(resolve(path)),
    allowLocalPaths: false,
  });
  if (problems.length === 0) return input;
  for (const problem of problems) context.stderr(`${problem.path}: ${problem.message}\n`);
  const local = localPathFields(input);
  if (local.length > 0) {
    context.stderr(
      `${local.join(" and ")} ${local.length > 1 ? "are local paths" : "is a local path"}: an AWS run reads its inputs from S3; upload the files and give their s3:// URIs (local paths work only with \`clarify-pipeline run --local\`)\n`,
    );
  }
  throw new CliError(
    `--input ${path} has ${problems.length} problem${problems.length > 1 ? "s" : ""}; no execution was started`,
  );
}

/** The run.json fields a local run accepts as local paths, where this one has one. */
function localPathFields(input: unknown): string[] {
  const run = (typeof input === "object" && input !== null ? input : {}) as {
    analysisConfigUri?: unknown;
    dataset?: { uri?: unknown };
  };
  const fields: string[] = [];
  if (typeof run.analysisConfigUri === "string" && isLocalPath(run.analysisConfigUri))
    fields.push("$.analysisConfigUri");
  if (typeof run.dataset?.uri === "string" && isLocalPath(run.dataset.uri)) fields.push("$.dataset.uri");
  return fields;
}
