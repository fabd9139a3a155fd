import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import type { GateBreach } from "../../../../contracts/pipeline-state.ts";
import { eventBridgePublisher } from "../../../../lambdas/collect-results/event-publisher.ts";
import { RunEventError } from "../../../../lambdas/shared/errors.ts";
import {
  type GateVerdictDetail,
  gateVerdictEvent,
  MAX_EVENT_ENTRY_BYTES,
  runEventEntry,
  runFailedEvent,
} from "../../../../lambdas/shared/run-events.ts";
import { execution } from "../stage-inputs/fixtures.ts";

const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  eventBridge.reset();
});

function verdict(overrides: Partial<GateVerdictDetail> = {}): GateVerdictDetail {
  return {
    status: "Succeeded",
    runId: "credit-exec-0001",
    runName: "credit",
    execution,
    summaryUri: "s3://clarify-runs/runs/credit-exec-0001/summary.json",
    job: { name: "clarify-credit-0123456789", status: "Completed" },
    message: "all 1 gates passed (2 metric values checked)",
    breachCount: 0,
    breaches: [],
    ...overrides,
  };
}

function breach(index: number, messageLength: number): GateBreach {
  return {
    metric: "CI",
    stage: "pre_training",
    facet: "Sex",
    facetValue: String(index),
    value: 0.9,
    gate: { absMax: 0.2 },
    message: "m".repeat(messageLength),
  };
}

describe("runEventEntry", () => {
  it("addresses the event to the bus with the execution ARN as its resource", () => {
    // Prepare
    const detail = verdict();

    // Act
    const entry = runEventEntry(gateVerdictEvent(detail), "ml-events");

    // Assess
    expect(entry).toEqual({
      Source: "clarify-pipeline",
      DetailType: "Clarify Run Succeeded",
      Detail: JSON.stringify(detail),
      EventBusName: "ml-events",
      Resources: [execution.id],
    });
  });

  it("drops breaches, counting them, until the entry is under PutEvents' 256 KB limit", () => {
    // Prepare: 20 breaches of 30 KB each make a 600 KB detail; 10 still make 300 KB.
    const breaches = Array.from({ length: 20 }, (_, index) => breach(index, 30_000));
    const detail = verdict({ status: "BiasGateFailed", breachCount: 45, breaches, breachesOmitted: 25 });

    // Act
    const entry = runEventEntry(gateVerdictEvent(detail), "default");

    // Assess
    const sent = JSON.parse(entry.Detail) as GateVerdictDetail;
    expect(entry.DetailType).toBe("Clarify Bias Gate Failed");
    expect(sent.breaches.map((b) => b.facetValue)).toEqual(["0", "1", "2", "3", "4"]);
    expect(sent.breachCount).toBe(45);
    expect(sent.breachesOmitted).toBe(40);
    const size = ["clarify-pipeline", entry.DetailType, entry.Detail, execution.id].reduce(
      (sum, part) => sum + Buffer.byteLength(part),
      0,
    );
    expect(size).toBeLessThan(MAX_EVENT_ENTRY_BYTES);
  });

  it("refuses an event that cannot fit even without breaches, naming its size", () => {
    // Prepare
    const detail = verdict({ message: "x".repeat(MAX_EVENT_ENTRY_BYTES) });

    // Act
    const act = () => runEventEntry(gateVerdictEvent(detail), "default");

    // Assess
    expect(act).toThrow(RunEventError);
    expect(act).toThrow(
      /^the "Clarify Run Succeeded" event is 262\d{3} bytes; PutEvents takes entries under 262144 bytes$/,
    );
  });
});

describe("runFailedEvent", () => {
  it("cuts a long cause to 4096 characters and says so", () => {
    // Prepare
    const cause = "c".repeat(10_000);

    // Act
    const event = runFailedEvent({
      status: "Failed",
      execution,
      failedStep: "RunClarifyJob",
      error: "States.TaskFailed",
      cause,
    });

    // Assess
    expect(event.detailType).toBe("Clarify Run Failed");
    expect(event.detail).toMatchObject({ cause: `${"c".repeat(4096)}… (cut; see summary.json)` });
  });
});

describe("eventBridgePublisher", () => {
  it("sends one PutEvents entry to the configured bus", async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
    const publish = eventBridgePublisher(new EventBridgeClient({ region: "us-east-1" }), "ml-events");
    const detail = verdict();

    // Act
    await publish(gateVerdictEvent(detail));

    // Assess
    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input)).toEqual([
      {
        Entries: [
          {
            Source: "clarify-pipeline",
            DetailType: "Clarify Run Succeeded",
            Detail: JSON.stringify(detail),
            EventBusName: "ml-events",
            Resources: [execution.id],
          },
        ],
      },
    ]);
  });

  it("fails with RunEventError naming the bus and the error code when PutEvents rejects the entry", async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "try again later" }],
    });
    const publish = eventBridgePublisher(new EventBridgeClient({ region: "us-east-1" }), "ml-events");

    // Act
    const error = await publish(gateVerdictEvent(verdict())).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(RunEventError);
    expect((error as Error).message).toBe(
      'event bus ml-events rejected the "Clarify Run Succeeded" event: InternalFailure (try again later)',
    );
  });

  it("fails with RunEventError when the request itself fails", async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
    const publish = eventBridgePublisher(new EventBridgeClient({ region: "us-east-1" }), "ml-events");

    // Act
    const error = await publish(gateVerdictEvent(verdict())).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(RunEventError);
    expect((error as Error).message).toBe(
      'cannot send the "Clarify Run Succeeded" event to event bus ml-events: User is not authorized',
    );
  });
});
