import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import {
  DEFAULT_LIMITS,
  type Delivery,
  firstLine,
  inferenceProtocolModel,
  type ProtocolLimits,
} from "./inference-protocol.ts";
import type { ModelContext } from "./open-model.ts";
import { ModelError, type ScoringModel } from "./scoring-model.ts";

/**
 * InvokeEndpoint answers within 60 s or fails; past this the call is abandoned and its rows sent
 * again in two halves.
 */
const INVOCATION_TIMEOUT_MS = 70_000;

/**
 * Throttling backs off longer than a plain HTTP server's warm-up: 0.5, 1, 2, 4 s over 5 attempts.
 * The SDK's own retries are off (maxAttempts 1), so every attempt is one the engine chose.
 */
export const SAGEMAKER_LIMITS: ProtocolLimits = { ...DEFAULT_LIMITS, attempts: 5, retryBaseMs: 500 };

/** Errors SageMaker Runtime says are worth retrying. */
const TRANSIENT = new Set([
  "ThrottlingException",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalDependencyException",
  "ModelNotReadyException",
  "TooManyRequestsException",
]);

export interface SageMakerEndpointOptions {
  readonly endpointName: string;
  /** @default a client for the job's region, with the SDK's retries off */
  readonly runtime?: SageMakerRuntimeClient;
  /** predictor.target_model: the model of a multi-model endpoint. */
  readonly targetModel?: string;
  /** predictor.custom_attributes: passed to the model as InvokeEndpoint's CustomAttributes. */
  readonly customAttributes?: string;
  readonly limits?: ProtocolLimits;
}

/** The job's SageMaker Runtime client: the job's region and credentials, the engine's retries. */
export function jobRuntimeClient(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SageMakerRuntimeClient {
  return new SageMakerRuntimeClient({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    maxAttempts: 1,
  });
}

/**
 * A SageMaker real-time endpoint as a {@link ScoringModel}: the inference protocol's requests
 * (CSV or JSON Lines, under 6 MB) sent with InvokeEndpoint. Throttling and service errors are
 * retried; a request over the payload limit or the 60 s invocation limit is split in two; the
 * model's own failure (ModelError) fails at once, naming the endpoint and the model's message.
 */
export function sageMakerEndpointModel(
  options: SageMakerEndpointOptions,
  context: ModelContext,
): ScoringModel {
  const runtime = options.runtime ?? jobRuntimeClient();
  const name = options.endpointName;
  const description = `SageMaker endpoint ${name}`;
  const contentType = context.predictor?.contentType ?? "text/csv";
  const accept = context.predictor?.acceptType ?? "text/csv";
  const transport = async (body: string, count: number): Promise<Delivery> => {
    try {
      const answer = await runtime.send(
        new InvokeEndpointCommand({
          EndpointName: name,
          Body: Buffer.from(body),
          ContentType: contentType,
          Accept: accept,
          ...(options.targetModel !== undefined && { TargetModel: options.targetModel }),
          ...(options.customAttributes !== undefined && { CustomAttributes: options.customAttributes }),
        }),
        { abortSignal: AbortSignal.timeout(INVOCATION_TIMEOUT_MS) },
      );
      return { answer: Buffer.from(answer.Body ?? new Uint8Array()).toString("utf8") };
    } catch (error) {
      return invocationFailure(error, description, count);
    }
  };
  const model = inferenceProtocolModel(description, context, transport, options.limits ?? SAGEMAKER_LIMITS);
  return {
    ...model,
    async close() {
      if (!options.runtime) runtime.destroy();
    },
  };
}

/** How an InvokeEndpoint failure is handled: retried, split, or a ModelError naming the endpoint. */
function invocationFailure(error: unknown, description: string, count: number): Delivery {
  const failure = error as Error & {
    $metadata?: { httpStatusCode?: number };
    OriginalStatusCode?: number;
    OriginalMessage?: string;
    LogStreamArn?: string;
  };
  const message = firstLine(failure.message ?? String(error));
  if (failure.name === "TimeoutError" || failure.name === "AbortError") {
    return { split: `no answer to ${count} rows within ${INVOCATION_TIMEOUT_MS / 1000} s` };
  }
  if (failure.name === "ModelError") {
    const said = firstLine(failure.OriginalMessage ?? message);
    // The container took longer than InvokeEndpoint's 60 s, or answered more than 6 MB.
    if (/timed out|too large|exceed/i.test(said) || /timed out|too large|exceed/i.test(message)) {
      return { split: said };
    }
    const status = failure.OriginalStatusCode === undefined ? "" : ` (HTTP ${failure.OriginalStatusCode})`;
    const log = failure.LogStreamArn ? `; its log: ${failure.LogStreamArn}` : "";
    throw new ModelError(`${description}: the model failed on ${count} rows${status}: ${said}${log}`);
  }
  if (failure.name === "ValidationError" && /payload|size|too large|exceed/i.test(message)) {
    return { split: message };
  }
  if (TRANSIENT.has(failure.name) || (failure.$metadata?.httpStatusCode ?? 0) >= 500) {
    return { retry: `${failure.name}: ${message}` };
  }
  throw new ModelError(`${description} cannot be invoked: ${failure.name}: ${message}`);
}
