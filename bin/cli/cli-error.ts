import { ExitCode } from "./exit-codes.ts";

/**
 * An error the CLI reports as one clear message on stderr, without a stack trace.
 * Commands throw it for bad input; `main()` prints `message` and exits with `exitCode`.
 */
export class CliError extends Error {
  override readonly name = "CliError" as const;
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode = ExitCode.Failed) {
    super(message);
    this.exitCode = exitCode;
  }
}
