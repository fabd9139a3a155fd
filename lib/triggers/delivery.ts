/**
 * What every trigger shares: how hard a failed start is retried, and the queue a start that
 * never succeeded lands in, so a missed analysis is visible instead of silently dropped.
 */
import { Duration, Validations } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/** EventBridge and EventBridge Scheduler both accept 0 to 185 retries. */
export const MAX_RETRY_ATTEMPTS = 185;
/** EventBridge and EventBridge Scheduler both keep an undelivered start for 60 s to 24 h. */
export const MIN_EVENT_AGE_SECONDS = 60;
export const MAX_EVENT_AGE_SECONDS = 86_400;

/** Retry policy and dead-letter queue of a trigger's start attempts. */
export interface StartDeliveryProps {
  /**
   * How many times a failed StartExecution is retried (throttling, service errors), 0 to 185.
   *
   * @default 3
   */
  readonly retryAttempts?: number;

  /**
   * How long a start that keeps failing is retried before it goes to the dead-letter queue,
   * 60 seconds to 24 hours.
   *
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;

  /**
   * Queue receiving the start attempts that failed for good. A queue given here must be a
   * standard queue the trigger's role (Scheduler) or EventBridge may send to.
   *
   * @default - an SQS-managed encrypted, TLS-only queue retaining messages for 14 days
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** The resolved delivery settings. */
export interface StartDelivery {
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly deadLetterQueue: sqs.IQueue;
}

/** Every problem with the delivery props, naming the prop, the value and the rule. */
export function deliveryProblems(props: StartDeliveryProps): string[] {
  const problems: string[] = [];
  const attempts = props.retryAttempts;
  if (
    attempts !== undefined &&
    !(Number.isInteger(attempts) && attempts >= 0 && attempts <= MAX_RETRY_ATTEMPTS)
  ) {
    problems.push(`retryAttempts must be a whole number from 0 to ${MAX_RETRY_ATTEMPTS}, got ${attempts}`);
  }
  const age = props.maxEventAge;
  if (age !== undefined && !age.isUnresolved()) {
    const seconds = age.toSeconds();
    if (seconds < MIN_EVENT_AGE_SECONDS || seconds > MAX_EVENT_AGE_SECONDS) {
      problems.push(
        `maxEventAge must be from ${MIN_EVENT_AGE_SECONDS} to ${MAX_EVENT_AGE_SECONDS} seconds (1 minute to 24 hours), got ${seconds} seconds`,
      );
    }
  }
  return problems;
}

/** Applies the defaults, creating the dead-letter queue under `scope` when none is given. */
export function resolveDelivery(scope: Construct, props: StartDeliveryProps): StartDelivery {
  return {
    retryAttempts: props.retryAttempts ?? 3,
    maxEventAge: props.maxEventAge ?? Duration.hours(1),
    deadLetterQueue: props.deadLetterQueue ?? createDeadLetterQueue(scope),
  };
}

function createDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, "DeadLetterQueue", {
    // SSE-SQS: EventBridge and Scheduler can deliver to it without a key policy (an AWS managed
    // KMS key would refuse them).
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: "AwsSolutions-SQS3",
    reason:
      "This queue is itself the dead-letter queue of the trigger's start attempts (set on the EventBridge target or schedule, which cdk-nag does not see).",
  });
  return queue;
}
