import { Aws, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { deliveryProblems, resolveDelivery, type StartDeliveryProps } from "./delivery.ts";
import { startExecutionStatement } from "./trigger-policies.ts";

/** Schedule names become execution-name prefixes: letters, digits, `-` and `_` only (CloudWatch-safe). */
const SCHEDULE_NAME = /^[A-Za-z0-9_-]+$/;
/**
 * Longest schedule name: the execution name `<name>-<execution id>` must stay within Step
 * Functions' 80 characters, and Scheduler's execution ids are 16 characters (`d32c5kddcf5bb8c3`);
 * the rest is headroom.
 */
export const MAX_SCHEDULE_NAME_LENGTH = 48;

/** One recurring Clarify run. */
export interface ClarifyRunSchedule {
  /**
   * Name of the schedule, and the prefix of every execution it starts
   * (`<name>-<Scheduler execution id>`). Letters, digits, `-` and `_`, at most 48 characters,
   * unique within the construct.
   */
  readonly name: string;

  /**
   * When to run: `ScheduleExpression.cron({ minute: "0", hour: "6", timeZone: TimeZone.EUROPE_BERLIN })`,
   * `ScheduleExpression.rate(Duration.days(1))`, ...
   */
  readonly schedule: scheduler.ScheduleExpression;

  /** The run.json each execution starts with (validated by the pipeline's ValidateConfig step). */
  readonly run: Readonly<Record<string, unknown>>;

  /**
   * Description of the schedule.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Whether the schedule starts runs.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/** Properties of {@link ClarifyRunSchedules}. */
export interface ClarifyRunSchedulesProps extends StartDeliveryProps {
  /** The pipeline's state machine (`ClarifyPipeline.stateMachine`). */
  readonly stateMachine: sfn.IStateMachine;

  /** The schedules; at least one. */
  readonly schedules: readonly ClarifyRunSchedule[];

  /**
   * Schedule group of the schedules.
   *
   * @default - the account's `default` group
   */
  readonly scheduleGroup?: scheduler.IScheduleGroup;
}

/**
 * Starts Clarify runs on EventBridge Scheduler schedules.
 *
 * Each schedule calls StartExecution through Scheduler's universal target
 * (`arn:aws:scheduler:::aws-sdk:sfn:startExecution`), which, unlike the templated Step
 * Functions target, lets the schedule choose the execution name: `<name>-<aws.scheduler.execution-id>`.
 * The scheduled time (`2026-01-01T06:00:00Z`) cannot be the name: `:` is not allowed in
 * execution names and Scheduler has no string functions. Scheduler assigns the execution id
 * per invocation and counts its retries with a separate attempt number, so a retried start
 * repeats the same name and input: Step Functions answers with the execution already running,
 * or ExecutionAlreadyExists once it has ended, instead of running the slot twice.
 */
export class ClarifyRunSchedules extends Construct {
  /** The schedules, in the order given. */
  public readonly schedules: readonly scheduler.Schedule[];
  /** Role Scheduler assumes: StartExecution on the pipeline and SendMessage to the dead-letter queue only. */
  public readonly role: iam.Role;
  /** Where start attempts that failed for good go. */
  public readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: ClarifyRunSchedulesProps) {
    super(scope, id);
    const problems = [...schedulesProblems(props.schedules), ...deliveryProblems(props)];
    if (problems.length > 0) throw new Error(problems.join("\n"));

    const delivery = resolveDelivery(this, props);
    this.deadLetterQueue = delivery.deadLetterQueue;
    this.role = new iam.Role(this, "SchedulerRole", {
      description: "Starts scheduled Clarify pipeline runs",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
    });

    const stack = Stack.of(this);
    this.schedules = props.schedules.map(
      (schedule) =>
        new scheduler.Schedule(this, `Schedule-${schedule.name}`, {
          scheduleName: schedule.name,
          description: schedule.description,
          schedule: schedule.schedule,
          enabled: schedule.enabled ?? true,
          scheduleGroup: props.scheduleGroup,
          target: new targets.Universal({
            service: "sfn",
            action: "startExecution",
            role: this.role,
            policyStatements: [startExecutionStatement(props.stateMachine)],
            deadLetterQueue: delivery.deadLetterQueue,
            retryAttempts: delivery.retryAttempts,
            maxEventAge: delivery.maxEventAge,
            input: scheduler.ScheduleTargetInput.fromObject({
              StateMachineArn: props.stateMachine.stateMachineArn,
              Name: `${schedule.name}-${scheduler.ContextAttribute.executionId}`,
              // StartExecution takes its input as a JSON string; tokens (bucket names) resolve inside it.
              Input: stack.toJsonString(schedule.run),
            }),
          }),
        }),
    );
  }
}

/** Every problem with the schedules, naming the schedule, the value and the rule. */
export function schedulesProblems(schedules: readonly ClarifyRunSchedule[]): string[] {
  if (schedules.length === 0) return ["schedules must hold at least one schedule, got none"];
  const problems: string[] = [];
  const seen = new Set<string>();
  schedules.forEach((schedule, index) => {
    const { name } = schedule;
    if (!SCHEDULE_NAME.test(name) || name.length > MAX_SCHEDULE_NAME_LENGTH) {
      problems.push(
        `schedules[${index}].name must be 1 to ${MAX_SCHEDULE_NAME_LENGTH} letters, digits, "-" or "_" (it prefixes the execution names), got "${name}"`,
      );
    }
    if (seen.has(name)) problems.push(`schedules[${index}].name "${name}" is used by an earlier schedule`);
    seen.add(name);
    if (typeof schedule.run !== "object" || schedule.run === null || Array.isArray(schedule.run)) {
      problems.push(`schedules[${index}].run must be a run.json object, got ${JSON.stringify(schedule.run)}`);
    }
  });
  return problems;
}
