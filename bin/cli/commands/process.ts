import type { Command } from "commander";
import { RESOURCE_CONFIG_PATH } from "../../../contracts/partial-counts.ts";
import { EngineInputError, UnsupportedAnalysisError } from "../../../engine/errors.ts";
import { formatFailureMessage, writeFailureMessage } from "../../../engine/processing/failure-message.ts";
import { MESSAGE_FILE, PROCESSING_ROOT } from "../../../engine/processing/processing-layout.ts";
import { runProcessingOnHost } from "../../../engine/processing/run-processing-job.ts";
import { CliError } from "../cli-error.ts";
import type { CliContext } from "../context.ts";
import { threadsFlag } from "../threads-flag.ts";

interface ProcessFlags {
  readonly processingDir: string;
  readonly messageFile: string;
  readonly resourceConfig: string;
  readonly threads?: string;
}

/**
 * `clarify-pipeline process`: the engine's processing-container entrypoint. Progress goes to
 * stdout (the job's log); a failure leaves its one-line reason in the message file, which
 * SageMaker reports as the job's ExitMessage and failure reason, and exits 1.
 */
export function registerProcessCommand(program: Command, context: CliContext): void {
  program
    .command("process")
    .description(
      "run as a SageMaker processing container: analyse /opt/ml/processing/input into /opt/ml/processing/output",
    )
    .option("--processing-dir <dir>", "the processing root", PROCESSING_ROOT)
    .option("--message-file <path>", "where a failure's one-line reason is written", MESSAGE_FILE)
    .option(
      "--resource-config <path>",
      "SageMaker's resource config: which host this is of the job's hosts (no file: one host)",
      RESOURCE_CONFIG_PATH,
    )
    .option("--threads <n>", "worker threads for the count pass and the explanations (default: one per core)")
    .action(async (flags: ProcessFlags) => {
      const threads = flags.threads === undefined ? undefined : threadsFlag(flags.threads);
      try {
        await runProcessingOnHost({
          processingDir: flags.processingDir,
          resourceConfigPath: flags.resourceConfig,
          ...(threads !== undefined && { threads }),
          log: (line) => context.stdout(`${line}\n`),
        });
      } catch (error) {
        const isInputError = error instanceof EngineInputError || error instanceof UnsupportedAnalysisError;
        const line = formatFailureMessage(
          isInputError ? "ClientError" : "AlgorithmError",
          error instanceof Error ? error.message : String(error),
        );
        const written = await writeFailureMessage(flags.messageFile, line);
        throw new CliError(written ? line : `${line} (and ${flags.messageFile} could not be written)`);
      }
    });
}
