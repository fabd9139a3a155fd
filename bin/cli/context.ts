import type { SFNClient } from "@aws-sdk/client-sfn";
import type { ExitCode } from "./exit-codes.ts";

/** What a command needs from its surroundings; tests pass their own to capture output. */
export interface CliContext {
  /** Results meant for the user or for a pipe. */
  readonly stdout: (text: string) => void;
  /** Progress and error messages. */
  readonly stderr: (text: string) => void;
  /** Sets the process exit code a command ends with (default: 0). */
  readonly setExitCode: (code: ExitCode) => void;
  /** Step Functions client of a region, for start and status. @default an SFNClient with the default credential chain */
  readonly createSfnClient?: (region: string) => Pick<SFNClient, "send">;
  /** Pauses between polls of a running execution; returns early when the signal aborts. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Calls `handler` on Ctrl-C until the returned function is called. @default SIGINT */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /** The clock for generated execution names. @default the system clock */
  readonly now?: () => Date;
}

/**
 * Calls `handler` on Ctrl-C (SIGINT) or SIGTERM (what `kill`, CI runners and container stops
 * send), through the context's `onInterrupt` when it has one, until the returned function is called.
 */
export function listenForInterrupt(context: CliContext, handler: () => void): () => void {
  if (context.onInterrupt) return context.onInterrupt(handler);
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
