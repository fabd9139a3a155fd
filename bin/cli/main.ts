import type { CliContext } from "./context.ts";
import type { ExitCode } from "./exit-codes.ts";
import { makeProgram as makeFullProgram } from "./program.ts";
import { PROCESS_IO, runProgram } from "./run-program.ts";

/**
 * Runs the CLI (every command; `makeProgram` may give another command line) and resolves to the
 * exit code instead of exiting, so tests can call it (see runProgram).
 */
export async function main(
  argv: readonly string[],
  io: Omit<CliContext, "setExitCode"> = PROCESS_IO,
  makeProgram: typeof makeFullProgram = makeFullProgram,
): Promise<ExitCode> {
  return runProgram(argv, io, makeProgram);
}
