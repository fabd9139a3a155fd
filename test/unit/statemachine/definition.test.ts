import { readFileSync } from "node:fs";
import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import {
  AnalysisResultError,
  ConfigValidationError,
  FailureNotRecordedError,
  LAMBDA_ERROR_NAMES,
  RunEventError,
  StagingError,
} from "../../../lambdas/shared/errors.ts";

const DEFINITION_PATH = new URL("../../../statemachine/clarify-pipeline.asl.json", import.meta.url);
const rawDefinition = readFileSync(DEFINITION_PATH, "utf8");
const MODEL_PACKAGE_RUN_PATH = new URL("../../../statemachine/model-package-run.asl.json", import.meta.url);

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly MaxAttempts?: number;
}
interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly Next?: string;
}
interface Definition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

function substitutedDefinition(): Definition {
  return JSON.parse(
    rawDefinition.replace(
      /\$\{(\w+)\}/g,
      (_match, name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    ),
  ) as Definition;
}

/**
 * The SageMaker error names Step Functions reports, per integration (sources cited beside the
 * fault data, test/local/support/fault-scenarios.ts):
 * - optimized (`arn:aws:states:::sagemaker:…`): Java SDK v1 classes, throttling as the base
 *   class AmazonSageMakerException;
 * - AWS SDK (`arn:aws:states:::aws-sdk:sagemaker:…`): `SageMaker.` + the SDK v2 class: the
 *   exceptions SageMaker's API models, everything else (throttling too) as SageMakerException.
 * A name outside these never matches, so a Retry on it retries nothing.
 */
function documentedSageMakerErrors(resource: string | undefined): readonly string[] {
  if (resource?.startsWith("arn:aws:states:::aws-sdk:sagemaker:")) {
    return [
      "SageMaker.SageMakerException",
      "SageMaker.ConflictException",
      "SageMaker.ResourceInUseException",
      "SageMaker.ResourceLimitExceededException",
      "SageMaker.ResourceNotFoundException",
    ];
  }
  if (resource?.startsWith("arn:aws:states:::sagemaker:")) {
    return ["SageMaker.AmazonSageMakerException", "SageMaker.ResourceLimitExceededException"];
  }
  return [];
}

/** Each SageMaker error name a Retry or Catch uses that its state's integration never reports. */
function undocumentedSageMakerErrors(definition: Definition): string[] {
  return Object.entries(definition.States).flatMap(([name, state]) =>
    [...(state.Retry ?? []), ...(state.Catch ?? [])]
      .flatMap((entry) => entry.ErrorEquals)
      .filter((error) => error.startsWith("SageMaker."))
      .filter((error) => !documentedSageMakerErrors(state.Resource).includes(error))
      .map((error) => `${name}: ${error}`),
  );
}

const LAMBDA_TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

describe("statemachine/clarify-pipeline.asl.json", () => {
  const definition = substitutedDefinition();
  const states = Object.entries(definition.States);
  const lambdaStates = states.filter(([, state]) => state.Resource === "arn:aws:states:::lambda:invoke");

  it("is a valid Amazon States Language definition", () => {
    // Prepare: the placeholders are filled as CDK would fill them.
    // Act
    const { isValid, errorsText } = aslValidator(definition);
    // Assess
    expect(errorsText()).toBe("");
    expect(isValid).toBe(true);
  });

  it("names every ARN by a placeholder", () => {
    // Prepare
    const placeholders = [...rawDefinition.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]);
    // Act
    const literalArns = rawDefinition.match(/arn:aws:(lambda|sagemaker|iam|s3):[^"]*/g) ?? [];
    // Assess
    expect(new Set(placeholders)).toEqual(
      new Set(["ValidateConfigFunctionArn", "StageInputsFunctionArn", "CollectResultsFunctionArn"]),
    );
    expect(literalArns).toEqual([]);
  });

  it("runs ValidateConfig → StageInputs → RunClarifyJob → CollectResults → GatePassed? on success", () => {
    // Prepare
    const path: string[] = [];
    let current: string | undefined = definition.StartAt;
    // Act
    while (current && path.length < 10) {
      path.push(current);
      const state: State | undefined = definition.States[current];
      current = state?.Type === "Choice" ? undefined : state?.Next;
    }
    // Assess
    expect(path).toEqual(["ValidateConfig", "StageInputs", "RunClarifyJob", "CollectResults", "GatePassed?"]);
  });

  it('never uses "ResultPath": "$" (AWS\'s default; the local interpreter reads it as a key named "$")', () => {
    // Prepare
    const holders = states.flatMap(([name, state]) => [
      [name, (state as { ResultPath?: unknown }).ResultPath] as const,
      ...(state.Catch ?? []).map(
        (c) => [`${name} Catch`, (c as { ResultPath?: unknown }).ResultPath] as const,
      ),
    ]);
    // Act
    const wholeInput = holders.filter(([, resultPath]) => resultPath === "$");
    // Assess
    expect(wholeInput).toEqual([]);
  });

  it("gives every Task an explicit timeout (no interpreter default applies)", () => {
    for (const [name, state] of states.filter(([, s]) => s.Type === "Task")) {
      // Assess
      expect(
        state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined,
        `${name} has no timeout`,
      ).toBe(true);
    }
  });

  it("retries Lambda steps on transient Lambda errors only, never on the steps' own errors", () => {
    for (const [name, state] of lambdaStates) {
      // Prepare
      const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      // Assess
      expect(new Set(retried), name).toEqual(new Set(LAMBDA_TRANSIENT_ERRORS));
    }
  });

  it("never retries terminal errors anywhere", () => {
    // Prepare: errors that mean the input or the job is wrong; retrying them wastes money.
    const terminal = ["States.ALL", "States.TaskFailed", "States.Timeout", ...LAMBDA_ERROR_NAMES];
    for (const [name, state] of states) {
      // Act
      const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      // Assess
      expect(
        retried.filter((error) => terminal.includes(error)),
        name,
      ).toEqual([]);
    }
  });

  it("sends every failure of a working step to RecordFailure, and a RunClarifyJob timeout to StopClarifyJob first", () => {
    // Prepare
    const working = ["ValidateConfig", "StageInputs", "RunClarifyJob", "CollectResults"];
    for (const name of working) {
      // Act
      const catchers = definition.States[name]?.Catch ?? [];
      const catchAll = catchers.find((catcher) => catcher.ErrorEquals.includes("States.ALL"));
      // Assess: ValidateConfig's error first goes where RecordFailure looks for it (its input may be no object).
      const next =
        catchAll?.Next === "ValidationFailed" ? definition.States.ValidationFailed?.Next : catchAll?.Next;
      expect(next, name).toBe("RecordFailure");
    }
    const timeoutCatcher = definition.States.RunClarifyJob?.Catch?.find((c) =>
      c.ErrorEquals.includes("States.Timeout"),
    );
    expect(timeoutCatcher?.Next).toBe("StopClarifyJob");
    expect(definition.States.StopClarifyJob?.Next).toBe("RecordFailure");
  });

  it("throws, in code, every error name its ErrorEquals use, and handles every typed error the Lambdas throw", () => {
    // Prepare
    const typedErrors = [
      new ConfigValidationError([]),
      new StagingError("x"),
      new AnalysisResultError("x"),
      new RunEventError("x"),
      new FailureNotRecordedError("x"),
    ];
    const named = states.flatMap(([, state]) =>
      [...(state.Retry ?? []), ...(state.Catch ?? [])].flatMap((entry) => entry.ErrorEquals),
    );
    // Act
    const unknown = named.filter(
      (error) =>
        !error.startsWith("States.") &&
        !LAMBDA_TRANSIENT_ERRORS.includes(error) &&
        !error.startsWith("SageMaker.") &&
        !(LAMBDA_ERROR_NAMES as readonly string[]).includes(error),
    );
    // Assess: SageMaker names are checked per integration.
    expect(unknown).toEqual([]);
    expect(undocumentedSageMakerErrors(definition)).toEqual([]);
    expect(typedErrors.map((error) => error.name)).toEqual([...LAMBDA_ERROR_NAMES]);
    for (const [name, state] of lambdaStates) {
      expect(
        state.Catch?.some((catcher) => catcher.ErrorEquals.includes("States.ALL")),
        `${name} must catch every typed error`,
      ).toBe(true);
    }
  });
});

describe("statemachine/model-package-run.asl.json", () => {
  it("names SageMaker errors only as its AWS SDK integration reports them", () => {
    // Prepare
    const definition = JSON.parse(readFileSync(MODEL_PACKAGE_RUN_PATH, "utf8")) as Definition;

    // Act
    const undocumented = undocumentedSageMakerErrors(definition);

    // Assess
    expect(undocumented).toEqual([]);
  });
});
