import { Command } from "commander";
import { registerProcessCommand } from "./commands/process.ts";
import type { CliContext } from "./context.ts";

/**
 * The command line of the engine's container image: `process` alone, so the image bundles the
 * engine and nothing of the local runtime or the AWS clients the other commands use (its
 * entrypoint runs it with run-program.ts, not main.ts, which imports every command).
 */
export function makeContainerProgram(context: CliContext): Command {
  const program = new Command("clarify-pipeline")
    .description("The clarify-pipeline engine as a SageMaker processing container.")
    .configureOutput({ writeOut: context.stdout, writeErr: context.stderr })
    .showHelpAfterError()
    .exitOverride();
  registerProcessCommand(program, context);
  return program;
}
