import { join } from "node:path";
import type { Command } from "commander";
import { ENGINE_KINDS, type EngineKind } from "../../../lambdas/shared/settings.ts";
import type { LocalRunReport } from "../../../local/local-run.ts";
import { CliError } from "../cli-error.ts";
import { type CliContext, listenForInterrupt } from "../context.ts";
import { formatVerdictLines, VERDICT_EXIT_CODES } from "../execution/verdict.ts";
import { checkOutFolder } from "../out-folder.ts";

interface RunOptions {
  readonly local?: boolean;
  readonly input: string;
  readonly out?: string;
  readonly allowPathsOutsideInput?: boolean;
  readonly engine: string;
}

/** `clarify-pipeline run --local`: the state machine executed in-process, progress on stderr. */
export function registerRunCommand(program: Command, context: CliContext): void {
  program
    .command("run")
    .description(
      "execute the state machine; with --local, in-process against an embedded S3 and a local Clarify engine",
    )
    .option("--local", "run on this machine (no AWS account needed)")
    .requiredOption(
      "--input <path>",
      "run.json: the execution input; local paths in it are relative to its folder",
    )
    .option("--out <dir>", "where the run folder is copied (default: ./clarify-runs/<runId>/)")
    .option(
      "--allow-paths-outside-input",
      "let run.json name local files outside its own folder (by default they must resolve, symlinks followed, inside it)",
    )
    .option(
      "--engine <engine>",
      "run as a deployment of this engine would (its image, its rules): clarify, the SageMaker Clarify image, or builtin, the project's engine image",
      "clarify",
    )
    .action(async (options: RunOptions) => {
      if (!options.local) {
        throw new CliError(
          "run executes the state machine locally and needs --local; to run on AWS use `clarify-pipeline start --state-machine ARN --input run.json [--wait]`",
        );
      }
      if (!(ENGINE_KINDS as readonly string[]).includes(options.engine)) {
        throw new CliError(`--engine ${options.engine}: must be one of ${ENGINE_KINDS.join(", ")}`);
      }
      await checkOutFolder(options.out, "a copy of the run folder");
      // The local runtime (interpreter, embedded S3, engine) loads only when a local run starts,
      // so validate, start and status do not pay for it.
      const [{ clarifyEngineContainer }, { coreSteps }, { runLocal }, { LocalInputError }] =
        await Promise.all([
          import("../../../local/clarify-container.ts"),
          import("../../../local/core-steps.ts"),
          import("../../../local/local-run.ts"),
          import("../../../local/stage-local-files.ts"),
        ]);
      const { localEngineSettings } = await import("../../../local/local-settings.ts");
      const abort = new AbortController();
      const onInterrupt = () => {
        context.stderr("interrupted: stopping the execution and its processing job\n");
        abort.abort();
      };
      const stopListening = listenForInterrupt(context, onInterrupt);
      let report: LocalRunReport;
      try {
        report = await runLocal({
          inputPath: options.input,
          outDir: options.out,
          allowPathsOutsideInput: options.allowPathsOutsideInput === true,
          log: (line) => context.stderr(`${line}\n`),
          makeSteps: coreSteps,
          container: clarifyEngineContainer,
          settings: localEngineSettings(options.engine as EngineKind),
          signal: abort.signal,
        });
      } catch (error) {
        if (error instanceof LocalInputError) throw new CliError(error.message);
        throw error;
      } finally {
        stopListening();
      }
      context.stderr(`${formatEnding(report)}\n`);
      context.setExitCode(VERDICT_EXIT_CODES[report.verdict]);
    });
}

function formatEnding(report: LocalRunReport): string {
  const lines = formatVerdictLines(report.verdict, report.message, report.execution.stateTransitions);
  lines.push(
    report.resultsDirectory
      ? `results: ${report.resultsDirectory}`
      : "results: none (the run stopped before its run folder was named)",
  );
  const reportPath = runReportPath(report);
  if (reportPath !== undefined) lines.push(`report: ${reportPath}`);
  return lines.join("\n");
}

/** The run folder's report.html (with the verdict), when collect-results wrote one. */
function runReportPath(report: LocalRunReport): string | undefined {
  const reportUri = (report.summary as { reportUri?: unknown } | undefined)?.reportUri;
  if (typeof reportUri !== "string" || report.resultsDirectory === undefined) return undefined;
  return join(report.resultsDirectory, "report.html");
}
