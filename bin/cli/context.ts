import type { ExitCode } from "./exit-codes.ts";

/** What a command needs from its surroundings; tests pass their own to capture output. */
export interface CliContext {
  /** Results meant for the user or for a pipe. */
  readonly stdout: (text: string) => void;
  /** Progress and error messages. */
  readonly stderr: (text: string) => void;
  /** Sets the process exit code a command ends with (default: 0). */
  readonly setExitCode: (code: ExitCode) => void;
}
