import type { Command } from "commander";
import { CommanderError } from "commander";
import { CliError } from "./cli-error.ts";
import type { CliContext } from "./context.ts";
import { ExitCode, type ExitCode as ExitCodeValue } from "./exit-codes.ts";

/** The process's own stdout and stderr. */
export const PROCESS_IO: Omit<CliContext, "setExitCode"> = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs a command line made by `makeProgram` and resolves to the exit code instead of exiting,
 * so tests can call it. Known errors become one line on stderr; anything else is reported
 * without a stack trace unless CLARIFY_PIPELINE_DEBUG is set. It imports no command itself:
 * the engine's image runs it with its `process` command alone (container/entrypoint.ts), so
 * that its bundle holds nothing of the other commands.
 */
export async function runProgram(
  argv: readonly string[],
  io: Omit<CliContext, "setExitCode">,
  makeProgram: (context: CliContext) => Command,
): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.Succeeded;
  const program = makeProgram({ ...io, setExitCode: (code) => (exitCode = code) });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.Succeeded : ExitCode.Failed;
    }
    if (error instanceof CliError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${message}\n`);
    if (process.env.CLARIFY_PIPELINE_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
    return ExitCode.Failed;
  }
}
