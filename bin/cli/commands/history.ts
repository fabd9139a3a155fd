import type { Command } from "commander";
import { ALL_METRICS } from "../../../contracts/metric-codes.ts";
import { parseS3Uri } from "../../../contracts/s3-uri.ts";
import { CliError } from "../cli-error.ts";
import type { CliContext } from "../context.ts";
import type { HistoryRecord } from "../history/run-history.ts";

interface HistoryOptions {
  readonly runs?: string;
  readonly outputUri?: string;
  readonly runName?: string;
  readonly metric: string[];
  readonly json?: boolean;
  readonly region?: string;
  readonly limit?: number;
}

export const DEFAULT_RUNS_DIRECTORY = "./clarify-runs/";

const HISTORY_HELP = `
Lists the runs newest first, one line each: when the execution started, the run name, the
verdict (passed, gate-failed, failed, aborted) and, with --metric, that metric's value for every
facet value (read from the run's output/analysis.json). The run folders are the record: locally
the folders run --local copied, on AWS the folders under the output prefix (read-only: the
credentials need s3:ListBucket on the prefix and s3:GetObject on the run folders).`;

/** `clarify-pipeline history`: past runs, from a local runs folder or an S3 output prefix. */
export function registerHistoryCommand(program: Command, context: CliContext): void {
  program
    .command("history")
    .description("list past runs, newest first: when, run name, verdict and chosen metrics")
    .option("--runs <dir>", `local runs folder (default: ${DEFAULT_RUNS_DIRECTORY})`)
    .option("--output-uri <s3-uri>", "the S3 output prefix of the run folders, instead of a local folder")
    .option("--run-name <name>", "only the runs of this runName")
    .option("--metric <code>", "show this metric's values (repeatable, e.g. --metric DI)", collect, [])
    .option("--limit <n>", "only the newest n runs (and only their analysis.json is read)", limitFlag)
    .option("--json", "print the runs as JSON")
    .option(
      "--region <region>",
      "AWS region of the bucket (default: the SDK's; S3 redirects to the bucket's)",
    )
    .addHelpText("after", HISTORY_HELP)
    .action(async (options: HistoryOptions) => {
      for (const metric of options.metric) {
        if (!ALL_METRICS.includes(metric)) {
          throw new CliError(
            `--metric ${metric} is not a Clarify bias metric code (known: ${ALL_METRICS.join(", ")})`,
          );
        }
      }
      // Loaded only when history runs, so the other commands do not pay for the S3 client.
      const { formatHistoryLines, historyRows } = await import("../history/run-history.ts");
      const records = await readRecords(options);
      const rows = await historyRows(records.slice(0, options.limit), options.metric);
      if (options.json) {
        context.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        context.stderr(`no runs found in ${options.outputUri ?? options.runs ?? DEFAULT_RUNS_DIRECTORY}\n`);
        return;
      }
      context.stdout(`${formatHistoryLines(rows, options.metric).join("\n")}\n`);
    });
}

async function readRecords(options: HistoryOptions): Promise<HistoryRecord[]> {
  const [{ localHistory, s3History }, { S3Client }] = await Promise.all([
    import("../history/history-sources.ts"),
    import("@aws-sdk/client-s3"),
  ]);
  if (options.outputUri === undefined)
    return localHistory(options.runs ?? DEFAULT_RUNS_DIRECTORY, options.runName);
  if (options.runs !== undefined)
    throw new CliError("give either --runs (a local folder) or --output-uri (S3), not both");
  if (!parseS3Uri(options.outputUri)) {
    throw new CliError(
      `--output-uri ${options.outputUri} is not an S3 URI; give the output prefix, e.g. s3://bucket/clarify-runs/`,
    );
  }
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const s3 = new S3Client({ region, followRegionRedirects: true });
  try {
    return await s3History(s3, options.outputUri, options.runName);
  } catch (error) {
    throw explainS3Error(error, options.outputUri);
  } finally {
    s3.destroy();
  }
}

function explainS3Error(error: unknown, outputUri: string): unknown {
  if (!(error instanceof Error)) return error;
  const detail = error.message ? ` (${error.message.split("\n")[0]})` : "";
  switch (error.name) {
    case "NoSuchBucket":
      return new CliError(`--output-uri ${outputUri}: the bucket does not exist${detail}`);
    case "AccessDenied":
    case "AccessDeniedException":
      return new CliError(
        `--output-uri ${outputUri}: access denied${detail}; history needs s3:ListBucket on the prefix and s3:GetObject on the run folders`,
      );
    case "CredentialsProviderError":
      return new CliError(
        `no AWS credentials found${detail}; configure a profile or environment credentials`,
      );
    default:
      return error;
  }
}

function limitFlag(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new CliError(`--limit ${text} must be a whole number of at least 1`);
  }
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
