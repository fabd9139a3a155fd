import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import type { CliContext } from "../context.ts";

/** `clarify-pipeline analyze`: the local Clarify-compatible engine alone. */
export function registerAnalyzeCommand(program: Command, _context: CliContext): void {
  program
    .command("analyze")
    .description("compute what the Clarify container would: DIR/analysis.json and DIR/report.html")
    .requiredOption("--dataset <path>", "dataset file, or a folder of files")
    .requiredOption("--config <path>", "Clarify analysis_config.json")
    .requiredOption("--out <dir>", "output folder")
    .action(() => {
      throw new CliError("analyze is being built");
    });
}
