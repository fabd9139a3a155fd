import { GetExecutionHistoryCommand, type HistoryEvent, InvalidToken, SFNClient } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { followExecutionHistory } from "../../../bin/cli/execution/follow-history.ts";
import { EXECUTION_ARN, succeededHistory } from "./history-fixtures.ts";

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

/** Sleeps that return at once and remember how long they were asked to wait. */
function recordingSleep(onSleep: (ms: number) => void = () => {}) {
  const pauses: number[] = [];
  return {
    pauses,
    sleep: async (ms: number) => {
      pauses.push(ms);
      onSleep(ms);
    },
  };
}

function requestsSent() {
  return sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
}

async function follow(sleep: (ms: number) => Promise<void>, signal?: AbortSignal) {
  const seen: HistoryEvent[] = [];
  const result = await followExecutionHistory({
    client: new SFNClient({ region: "eu-west-1" }),
    executionArn: EXECUTION_ARN,
    onEvent: (event) => seen.push(event),
    sleep,
    signal,
    pageSize: 10,
  });
  return { seen, result };
}

describe("followExecutionHistory", () => {
  it("reads full pages back to back with their nextToken, oldest first, until the execution ends", async () => {
    // Prepare
    const events = succeededHistory();
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 10), nextToken: "page-2" })
      .resolvesOnce({ events: events.slice(10, 20), nextToken: "page-3" })
      .resolvesOnce({ events: events.slice(20) });
    const { sleep, pauses } = recordingSleep();

    // Act
    const { seen, result } = await follow(sleep);

    // Assess
    expect(requestsSent()).toEqual([
      { executionArn: EXECUTION_ARN, maxResults: 10, reverseOrder: false, includeExecutionData: true },
      {
        executionArn: EXECUTION_ARN,
        maxResults: 10,
        reverseOrder: false,
        includeExecutionData: true,
        nextToken: "page-2",
      },
      {
        executionArn: EXECUTION_ARN,
        maxResults: 10,
        reverseOrder: false,
        includeExecutionData: true,
        nextToken: "page-3",
      },
    ]);
    expect(seen.map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(result.terminalEvent?.type).toBe("ExecutionSucceeded");
    expect(pauses).toEqual([]);
  });

  it("re-reads the last page with the token that fetched it and hands over only new events", async () => {
    // Prepare
    const events = succeededHistory();
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 10), nextToken: "page-2" })
      .resolvesOnce({ events: events.slice(10, 12) })
      .resolvesOnce({ events: events.slice(10, 12) })
      .resolvesOnce({ events: events.slice(10, 15) })
      .resolvesOnce({ events: events.slice(10, 20), nextToken: "page-3" })
      .resolvesOnce({ events: events.slice(20) });
    const { sleep } = recordingSleep();

    // Act
    const { seen } = await follow(sleep);

    // Assess
    expect(requestsSent().map((input) => input.nextToken)).toEqual([
      undefined,
      "page-2",
      "page-2",
      "page-2",
      "page-2",
      "page-3",
    ]);
    expect(seen.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it("pauses longer while nothing happens, up to 10 s, and short again after news", async () => {
    // Prepare
    const events = succeededHistory();
    const quiet = { events: events.slice(0, 3) };
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce(quiet)
      .resolvesOnce(quiet)
      .resolvesOnce(quiet)
      .resolvesOnce(quiet)
      .resolvesOnce(quiet)
      .resolvesOnce(quiet)
      .resolvesOnce(quiet)
      .resolvesOnce({ events: events.slice(0, 5) })
      .resolvesOnce({ events });
    const { sleep, pauses } = recordingSleep();

    // Act
    await follow(sleep);

    // Assess
    expect(pauses).toEqual([1000, 1500, 2250, 3375, 5063, 7595, 10000, 1000]);
  });

  it("stops following when the signal aborts, without an ending", async () => {
    // Prepare
    const events = succeededHistory();
    sfn.on(GetExecutionHistoryCommand).resolves({ events: events.slice(0, 4) });
    const stop = new AbortController();
    const { sleep } = recordingSleep(() => stop.abort());

    // Act
    const { result, seen } = await follow(sleep, stop.signal);

    // Assess
    expect(result.terminalEvent).toBeUndefined();
    expect(result.requests).toBe(1);
    expect(seen).toHaveLength(4);
  });

  it("starts over from the first page when a token expired, without handing an event over twice", async () => {
    // Prepare
    const events = succeededHistory();
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 10), nextToken: "page-2" })
      .rejectsOnce(new InvalidToken({ message: "Invalid Token: expired", $metadata: {} }))
      .resolvesOnce({ events: events.slice(0, 10), nextToken: "page-2b" })
      .resolvesOnce({ events: events.slice(10) });
    const { sleep } = recordingSleep();

    // Act
    const { seen } = await follow(sleep);

    // Assess
    expect(requestsSent().map((input) => input.nextToken)).toEqual([
      undefined,
      "page-2",
      undefined,
      "page-2b",
    ]);
    expect(seen.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });
});
