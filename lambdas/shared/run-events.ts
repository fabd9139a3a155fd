/**
 * The EventBridge events a run emits when it ends, so other pipelines can react to it
 * (promote a model, open a ticket). Shared with the CDK monitoring construct, whose rule
 * and IAM conditions must name the same source and detail types.
 */
import type { ExecutionInfo, GateBreach } from "../../contracts/pipeline-state.ts";
import { RunEventError } from "./errors.ts";

/** `source` of every run event. */
export const RUN_EVENT_SOURCE = "clarify-pipeline";

/** `detail-type` of each run outcome. */
export const RUN_EVENT_DETAIL_TYPES = {
  succeeded: "Clarify Run Succeeded",
  biasGateFailed: "Clarify Bias Gate Failed",
  failed: "Clarify Run Failed",
} as const;

export type RunEventDetailType = (typeof RUN_EVENT_DETAIL_TYPES)[keyof typeof RUN_EVENT_DETAIL_TYPES];

/** Environment variable naming the event bus of the collect-results function. */
export const EVENT_BUS_ENV = "CLARIFY_EVENT_BUS_NAME";
/** The account's default event bus, used when the variable is unset. */
export const DEFAULT_EVENT_BUS = "default";

/** PutEvents rejects an entry of 256 KB or more (Source + DetailType + Detail + Resources). */
export const MAX_EVENT_ENTRY_BYTES = 256 * 1024;
/** A failure cause longer than this is cut in the event; summary.json keeps it whole. */
export const MAX_EVENT_CAUSE_CHARS = 4096;

/** The processing job as an event names it. */
export interface RunEventJob {
  readonly name: string;
  readonly status: string;
  readonly failureReason?: string;
}

/** Detail of `Clarify Run Succeeded` and `Clarify Bias Gate Failed`. */
export interface GateVerdictDetail {
  readonly status: "Succeeded" | "BiasGateFailed";
  readonly runId: string;
  readonly runName: string;
  readonly execution: ExecutionInfo;
  readonly summaryUri: string;
  readonly job: RunEventJob;
  readonly message: string;
  /** Every breach of the run; `breaches` may hold fewer (see `breachesOmitted`). */
  readonly breachCount: number;
  readonly breaches: readonly GateBreach[];
  /** Breaches left out to keep the event small; summary.json holds all of them. */
  readonly breachesOmitted?: number;
}

/** Detail of `Clarify Run Failed`: a failed run, or an execution stopped (Aborted) or timed out (TimedOut). */
export interface RunFailedDetail {
  readonly status: "Failed" | "Aborted" | "TimedOut";
  readonly runId?: string;
  readonly runName?: string;
  readonly execution: ExecutionInfo;
  /** Where the failure record went; absent when no run folder could be trusted. */
  readonly summaryUri?: string;
  readonly failedStep: string;
  readonly error: string;
  readonly cause: string;
  readonly job?: RunEventJob;
}

/** One run event, before it is addressed to a bus. */
export type RunEvent =
  | { readonly detailType: typeof RUN_EVENT_DETAIL_TYPES.succeeded; readonly detail: GateVerdictDetail }
  | { readonly detailType: typeof RUN_EVENT_DETAIL_TYPES.biasGateFailed; readonly detail: GateVerdictDetail }
  | { readonly detailType: typeof RUN_EVENT_DETAIL_TYPES.failed; readonly detail: RunFailedDetail };

/** Sends one run event; rejects when it was not delivered. */
export type PublishRunEvent = (event: RunEvent) => Promise<void>;

/** The event of a gate verdict: Succeeded when every gate held, Bias Gate Failed otherwise. */
export function gateVerdictEvent(detail: GateVerdictDetail): RunEvent {
  return detail.status === "Succeeded"
    ? { detailType: RUN_EVENT_DETAIL_TYPES.succeeded, detail }
    : { detailType: RUN_EVENT_DETAIL_TYPES.biasGateFailed, detail };
}

/** The event of a failed run, its cause cut to {@link MAX_EVENT_CAUSE_CHARS}. */
export function runFailedEvent(detail: RunFailedDetail): RunEvent {
  const cause =
    detail.cause.length > MAX_EVENT_CAUSE_CHARS
      ? `${detail.cause.slice(0, MAX_EVENT_CAUSE_CHARS)}… (cut; see summary.json)`
      : detail.cause;
  return { detailType: RUN_EVENT_DETAIL_TYPES.failed, detail: { ...detail, cause } };
}

/** A PutEvents request entry, as the API takes it. */
export interface RunEventEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName: string;
  readonly Resources: string[];
}

/**
 * The PutEvents entry of `event`, under the entry size limit: when the detail is too big,
 * breaches are dropped (half at a time, counted in `breachesOmitted`) until it fits.
 * Throws when even without breaches it does not fit, naming the size.
 */
export function runEventEntry(event: RunEvent, eventBusName: string): RunEventEntry {
  // The execution ARN lets rules and consumers tie the event to its execution.
  const resources = event.detail.execution.id ? [event.detail.execution.id] : [];
  const fixedBytes =
    utf8Bytes(RUN_EVENT_SOURCE) +
    utf8Bytes(event.detailType) +
    resources.reduce((sum, resource) => sum + utf8Bytes(resource), 0);
  let detail: GateVerdictDetail | RunFailedDetail = event.detail;
  let text = JSON.stringify(detail);
  while (fixedBytes + utf8Bytes(text) >= MAX_EVENT_ENTRY_BYTES && "breaches" in detail) {
    if (detail.breaches.length === 0) break;
    const kept = detail.breaches.slice(0, Math.floor(detail.breaches.length / 2));
    detail = { ...detail, breaches: kept, breachesOmitted: detail.breachCount - kept.length };
    text = JSON.stringify(detail);
  }
  const size = fixedBytes + utf8Bytes(text);
  if (size >= MAX_EVENT_ENTRY_BYTES) {
    throw new RunEventError(
      `the "${event.detailType}" event is ${size} bytes; PutEvents takes entries under ${MAX_EVENT_ENTRY_BYTES} bytes`,
    );
  }
  return {
    Source: RUN_EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: text,
    EventBusName: eventBusName,
    Resources: resources,
  };
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
