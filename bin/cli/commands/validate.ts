import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { isRecord } from "../../../contracts/is-record.ts";
import { unsupportedByEngine } from "../../../engine/config/parse-analysis-config.ts";
import { clarifyImageUri } from "../../../lambdas/shared/clarify-image.ts";
import type { DeploymentSettings } from "../../../lambdas/shared/settings.ts";
import { ENGINE_KINDS, type EngineKind, SETTINGS_DEFAULTS } from "../../../lambdas/shared/settings.ts";
import { validateRunInputOffline } from "../../../lambdas/validate-config/offline.ts";
import { oneLine } from "../../../lambdas/validate-config/problems.ts";
import { CliError } from "../cli-error.ts";
import type { CliContext } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";

interface ValidateOptions {
  readonly input: string;
  readonly region: string;
  readonly allowedBuckets?: string;
  readonly engine: string;
  readonly allowPathsOutsideInput?: boolean;
}

const OFFLINE_HELP = `
Offline validation runs every rule of the validate-config step without AWS, against a
placeholder deployment:
  region           --region (default us-east-1); the job image must be that region's
                   Clarify image (or be left out)
  engine           --engine clarify (default): the Clarify image's rules; --engine builtin:
                   the builtin engine's (what it cannot compute, on several instances too;
                   no job image but the deployment's, which is only known deployed: leave it out)
  allowed buckets  not checked, unless --allowed-buckets a,b is given
  role, output     placeholders; they are only defaults and are not reported
Local paths in analysisConfigUri, dataset.uri and baseline.analysisUri are read relative
to the run.json's folder, must exist and, as run --local requires, resolve inside that
folder, symlinks followed (--allow-paths-outside-input lifts this); the columns the
analysis config names are checked against the dataset's header (CSV), first record
(JSON Lines) or footer (Parquet). S3 locations are not read.

Output: "valid" on stdout (exit 0), or one "<json-path>: <message>" line per problem
on stderr (exit 1).`;

/** Stands for a builtin-engine deployment's image, which only the deployment knows (an asset's URI). */
export const OFFLINE_BUILTIN_IMAGE = "<the deployment's engine image>";

/** `--engine`, checked. */
export function engineOption(value: string): EngineKind {
  if (!(ENGINE_KINDS as readonly string[]).includes(value)) {
    throw new CliError(`--engine ${value}: must be one of ${ENGINE_KINDS.join(", ")}`);
  }
  return value as EngineKind;
}

/** The deployment offline validation pretends to be. */
export function offlineSettings(
  region: string,
  allowedBuckets: readonly string[],
  engine: EngineKind = "clarify",
): DeploymentSettings {
  const image = engine === "builtin" ? OFFLINE_BUILTIN_IMAGE : clarifyImageUri(region);
  if (!image)
    throw new CliError(`--region ${region} has no known SageMaker Clarify image; pick another region`);
  return {
    engine,
    ...SETTINGS_DEFAULTS,
    region,
    defaultOutputUri: "s3://clarify-pipeline-local/clarify-runs/",
    allowedBuckets,
    defaultRoleArn: "arn:aws:iam::000000000000:role/clarify-pipeline-local",
    clarifyImageUri: image,
  };
}

/** `clarify-pipeline validate`: the validate-config rules, offline. */
export function registerValidateCommand(program: Command, context: CliContext): void {
  program
    .command("validate")
    .description("check a run.json offline against every Clarify rule; one line per problem")
    .requiredOption("--input <path>", "the run input (run.json or { processingJobRequest })")
    .option("--region <region>", "the AWS region jobs would run in", "us-east-1")
    .option(
      "--allowed-buckets <list>",
      "comma-separated buckets the deployment allows (default: not checked)",
    )
    .option(
      "--engine <engine>",
      "the deployment's engine: clarify (the SageMaker Clarify image) or builtin (the project's engine image; leave job.imageUri out)",
      "clarify",
    )
    .option(
      "--allow-paths-outside-input",
      "accept local files outside run.json's folder, as run --local does with this flag",
    )
    .addHelpText("after", OFFLINE_HELP)
    .action(async (options: ValidateOptions) => {
      const allowed = options.allowedBuckets
        ?.split(",")
        .map((b) => b.trim())
        .filter(Boolean);
      const settings = offlineSettings(options.region, allowed ?? [], engineOption(options.engine));
      const path = resolve(options.input);
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        throw new CliError(`cannot read --input ${options.input}: ${(error as Error).message}`);
      }
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch (error) {
        // The parser quotes a piece of the text, which may hold line breaks: keep one line.
        const message = oneLine(`${options.input} is not valid JSON: ${(error as Error).message}`);
        context.stderr(`$: ${message}\n`);
        context.setExitCode(ExitCode.Failed);
        return;
      }
      const problems = [
        ...(await validateRunInputOffline(input, settings, {
          baseDir: dirname(path),
          enforceAllowedBuckets: allowed !== undefined,
        })),
        ...(await pathsOutsideInput(input, dirname(path), options.allowPathsOutsideInput === true)),
      ];
      if (problems.length === 0) {
        context.stdout("valid\n");
        for (const note of await localEngineLimits(input, dirname(path))) context.stderr(`${note}\n`);
        return;
      }
      for (const problem of problems) context.stderr(`${problem.path}: ${problem.message}\n`);
      context.setExitCode(ExitCode.Failed);
    });
}

/** The local paths `run --local` would refuse to stage because they resolve outside run.json's folder. */
async function pathsOutsideInput(
  input: unknown,
  baseDirectory: string,
  allowOutside: boolean,
): Promise<{ path: string; message: string }[]> {
  const { localPathFields, outsideInputFolder } = await import("../../../local/local-input-files.ts");
  const problems: { path: string; message: string }[] = [];
  for (const { field, localPath } of localPathFields(input)) {
    const message = await outsideInputFolder(localPath, field, { baseDirectory, allowOutside });
    // The message starts with the field, as run --local prints it; validate prints the path apart.
    if (message) problems.push({ path: field, message: message.slice(`${field}: `.length) });
  }
  return problems;
}

/**
 * A valid config may still hold analyses the project's engine cannot compute (SHAP, PDP, ...):
 * valid for the Clarify image on AWS, refused by `run --local` and `analyze`. One `note:` line
 * each, in the words `analyze` refuses them with (the shared parser's).
 */
async function localEngineLimits(input: unknown, baseDir: string): Promise<string[]> {
  if (!isRecord(input)) return [];
  let config: unknown = input.analysisConfig;
  let at = "$.analysisConfig";
  const uri = input.analysisConfigUri;
  if (config === undefined && typeof uri === "string" && !uri.startsWith("s3://")) {
    config = JSON.parse(await readFile(resolve(baseDir, uri), "utf8"));
    // The file, a space, then the JSON path within it, as validate-config addresses a config file.
    at = `${uri} $`;
  }
  return unsupportedByEngine(config, "builtin").map(
    (limit) =>
      `note: the local engine (run --local, analyze) cannot run this: ${at}${limit.path.slice(1)}: ${limit.message}`,
  );
}
