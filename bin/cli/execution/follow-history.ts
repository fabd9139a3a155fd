/**
 * Follows a running execution through GetExecutionHistory until it ends, handing each new
 * event to `onEvent` exactly once, oldest first.
 *
 * History pages come oldest first (reverseOrder false). A page with a nextToken is full, so
 * the next page is read at once; the last page has none, so it is read again after a pause,
 * with the token that fetched it, skipping the events already seen. Only that last page is
 * re-read, however long the history grows. The pause starts short and grows while nothing
 * happens, up to a bound (a Clarify job runs for minutes; each request counts against the
 * account's GetExecutionHistory quota).
 */
import {
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import { TERMINAL_EVENT_TYPES } from "./history-progress.ts";

export interface FollowOptions {
  readonly client: Pick<SFNClient, "send">;
  readonly executionArn: string;
  readonly onEvent: (event: HistoryEvent) => void;
  /** Waits between polls; resolves early when the signal aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Stops following (not the execution). */
  readonly signal?: AbortSignal;
  /** First pause after a poll that found nothing new. @default 1000 */
  readonly minPollMs?: number;
  /** The pause never grows beyond this. @default 10000 */
  readonly maxPollMs?: number;
  /** Events per page. @default 100 */
  readonly pageSize?: number;
}

export interface FollowResult {
  /** The event that ended the execution; undefined when following was stopped first. */
  readonly terminalEvent?: HistoryEvent;
  /** GetExecutionHistory requests made. */
  readonly requests: number;
}

/** How much longer each quiet pause is than the one before. */
const BACKOFF = 1.5;

export async function followExecutionHistory(options: FollowOptions): Promise<FollowResult> {
  const minPollMs = options.minPollMs ?? 1000;
  const maxPollMs = options.maxPollMs ?? 10_000;
  let pageToken: string | undefined;
  let lastSeenId = 0;
  let pauseMs = minPollMs;
  let requests = 0;
  while (!options.signal?.aborted) {
    let page: GetExecutionHistoryCommandOutput;
    try {
      requests += 1;
      page = await options.client.send(
        new GetExecutionHistoryCommand({
          executionArn: options.executionArn,
          maxResults: options.pageSize ?? 100,
          reverseOrder: false,
          includeExecutionData: true,
          ...(pageToken === undefined ? {} : { nextToken: pageToken }),
        }),
      );
    } catch (error) {
      // Tokens expire after 24 hours: start over from the first page, skipping what was seen.
      if ((error as Error).name === "InvalidToken" && pageToken !== undefined) {
        pageToken = undefined;
        continue;
      }
      throw error;
    }
    let sawNew = false;
    for (const event of page.events ?? []) {
      const id = event.id ?? 0;
      if (id <= lastSeenId) continue;
      lastSeenId = id;
      sawNew = true;
      options.onEvent(event);
      if (TERMINAL_EVENT_TYPES.has(event.type ?? "")) return { terminalEvent: event, requests };
    }
    if (page.nextToken) {
      pageToken = page.nextToken;
      continue;
    }
    if (sawNew) pauseMs = minPollMs;
    await options.sleep(pauseMs, options.signal);
    pauseMs = Math.min(maxPollMs, Math.round(pauseMs * BACKOFF));
  }
  return { requests };
}

/** A pause that ends early when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
