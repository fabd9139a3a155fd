import { Command } from "commander";
import { registerAnalyzeCommand } from "./commands/analyze.ts";
import { registerHistoryCommand } from "./commands/history.ts";
import { registerProcessCommand } from "./commands/process.ts";
import { registerRunCommand } from "./commands/run.ts";
import { registerStartCommand } from "./commands/start.ts";
import { registerStatusCommand } from "./commands/status.ts";
import { registerValidateCommand } from "./commands/validate.ts";
import type { CliContext } from "./context.ts";
import { EXIT_CODE_HELP } from "./exit-codes.ts";

/** Builds the clarify-pipeline command line; exported so tests can drive it without a process. */
export function makeProgram(context: CliContext): Command {
  const program = new Command("clarify-pipeline")
    .description("Run SageMaker Clarify bias analyses as a Step Functions workflow, on AWS or locally.")
    .addHelpText("after", EXIT_CODE_HELP)
    .configureOutput({ writeOut: context.stdout, writeErr: context.stderr })
    .showHelpAfterError()
    .exitOverride();
  registerAnalyzeCommand(program, context);
  registerHistoryCommand(program, context);
  registerProcessCommand(program, context);
  registerRunCommand(program, context);
  registerStartCommand(program, context);
  registerStatusCommand(program, context);
  registerValidateCommand(program, context);
  return program;
}
