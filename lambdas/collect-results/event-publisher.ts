/**
 * Sends run events to EventBridge with PutEvents. PutEvents answers 200 even when it
 * rejected an entry (FailedEntryCount > 0), so the answer is checked entry by entry.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from "@aws-sdk/client-eventbridge";
import { RunEventError } from "../shared/errors.ts";
import { type PublishRunEvent, type RunEvent, runEventEntry } from "../shared/run-events.ts";

/** A publisher to `eventBusName` (a name or an ARN) through `client`. */
export function eventBridgePublisher(client: EventBridgeClient, eventBusName: string): PublishRunEvent {
  return async (event: RunEvent) => {
    const entry = runEventEntry(event, eventBusName);
    let response: PutEventsCommandOutput;
    try {
      response = await client.send(new PutEventsCommand({ Entries: [entry] }));
    } catch (error) {
      throw new RunEventError(
        `cannot send the "${event.detailType}" event to event bus ${eventBusName}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if ((response.FailedEntryCount ?? 0) > 0) {
      const failed = response.Entries?.find((candidate) => candidate.ErrorCode);
      throw new RunEventError(
        `event bus ${eventBusName} rejected the "${event.detailType}" event: ${failed?.ErrorCode ?? "unknown error"}${
          failed?.ErrorMessage ? ` (${failed.ErrorMessage})` : ""
        }`,
      );
    }
  };
}
