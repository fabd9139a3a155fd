#!/usr/bin/env node
/**
 * CDK app entry (cdk.json runs it with Node 22, which strips the types).
 *
 * The stack is environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are known: the
 * Clarify image is picked per region by CloudFormation, so `cdk synth` needs no AWS account.
 * Context: `-c allowedInputBuckets=bucket-a,bucket-b` names the buckets runs may read from;
 * `-c dailyRun=path/to/run.json` starts that run every day at 06:00 UTC (lib/triggers/);
 * `-c engine=builtin` runs the jobs on the project's engine image instead of the SageMaker
 * Clarify image (`cdk deploy` then builds it with Docker; synth does not need Docker).
 */
import { readFileSync } from "node:fs";
import { App, Validations } from "aws-cdk-lib";
import { ScheduleExpression } from "aws-cdk-lib/aws-scheduler";
import { ClarifyEngine } from "../lib/clarify-engine.ts";
import { ClarifyPipelineStack } from "../lib/clarify-pipeline-stack.ts";
import { AwsSolutionsChecks } from "../lib/private/cdk-nag.ts";

const app = new App();
const allowedInputBuckets = String(app.node.tryGetContext("allowedInputBuckets") ?? "")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const dailyRun = app.node.tryGetContext("dailyRun") as string | undefined;
const engine = engineFromContext(app.node.tryGetContext("engine"));

new ClarifyPipelineStack(app, "ClarifyPipelineStack", {
  description: "SageMaker Clarify bias analyses as a Step Functions workflow (clarify-pipeline)",
  pipeline: { allowedInputBuckets, ...(engine && { engine }) },
  triggers: dailyRun
    ? {
        schedules: {
          schedules: [
            {
              name: "daily",
              schedule: ScheduleExpression.cron({ minute: "0", hour: "6" }),
              run: readRunContext(dailyRun),
            },
          ],
        },
      }
    : undefined,
});
/** `-c engine=clarify|builtin`; anything else ends the synth with one line naming it. */
function engineFromContext(value: unknown): ClarifyEngine | undefined {
  if (value === undefined || value === "clarify") return undefined;
  if (value === "builtin") return ClarifyEngine.builtin();
  process.stderr.write(`error: -c engine=${String(value)}: must be clarify or builtin\n`);
  process.exit(1);
}

/** The run.json named by `-c dailyRun`; a bad file ends the synth with one line naming it. */
function readRunContext(path: string): Record<string, unknown> {
  let run: unknown;
  try {
    run = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: -c dailyRun=${path}: cannot read a run.json from it (${reason})\n`);
    process.exit(1);
  }
  if (typeof run !== "object" || run === null || Array.isArray(run)) {
    process.stderr.write(`error: -c dailyRun=${path}: a run.json must hold a JSON object\n`);
    process.exit(1);
  }
  return run as Record<string, unknown>;
}

// cdk-nag v3 is a policy-validation plugin: any unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
