import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointCommand,
  type SageMakerClient,
  type Tag,
} from "@aws-sdk/client-sagemaker";
import { ModelError } from "./scoring-model.ts";

/** Clarify's default `endpoint_name_prefix`; the construct's job role may use endpoints named `sm-clarify-*`. */
export const DEFAULT_ENDPOINT_NAME_PREFIX = "sm-clarify";
/** Clarify's limit on `endpoint_name_prefix`: with "-" and a 36-character UUID it stays under 63. */
export const MAX_ENDPOINT_NAME_PREFIX = 23;

/** The predictor fields that describe the shadow endpoint (Clarify's `model_name` predictor). */
export interface ShadowEndpointSpec {
  readonly modelName: string;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly acceleratorType?: string;
  /** @default "sm-clarify" */
  readonly endpointNamePrefix?: string;
}

export interface ShadowEndpointOptions {
  readonly sagemaker: SageMakerClient;
  /** The processing job's tags, copied onto the endpoint config and the endpoint as Clarify does. */
  readonly tags?: readonly Tag[];
  /** Progress lines (the job's log). */
  readonly log: (line: string) => void;
  /** How long the endpoint may take to be InService. @default 30 minutes */
  readonly waitTimeoutMs?: number;
  /** @default 30 s */
  readonly pollIntervalMs?: number;
  /**
   * Registers `cleanup` to run when the process is told to stop (the processing job is stopped:
   * SIGTERM), and returns how to unregister it. @default SIGTERM and SIGINT handlers that delete
   * the endpoint and exit with 143.
   */
  readonly onTerminate?: (cleanup: () => Promise<void>) => () => void;
  /** @default a random UUID */
  readonly uniqueSuffix?: () => string;
}

/** The shadow endpoint could not be made ready, or what was made could not be deleted. */
export class ShadowEndpointError extends ModelError {}

/**
 * A shadow endpoint for `spec.modelName`, as Clarify makes one: an endpoint config and an
 * endpoint named `<prefix>-<unique suffix>`, waited for until InService, handed to `use`, then
 * deleted (endpoint, then config) whatever happens: success, a model or throttling error, a
 * timeout, or the process being stopped. A delete that fails fails the job, naming what is left.
 */
export async function withShadowEndpoint<T>(
  spec: ShadowEndpointSpec,
  options: ShadowEndpointOptions,
  use: (endpointName: string) => Promise<T>,
): Promise<T> {
  const prefix = spec.endpointNamePrefix ?? DEFAULT_ENDPOINT_NAME_PREFIX;
  const name = `${prefix}-${(options.uniqueSuffix ?? randomUUID)()}`.slice(0, 63);
  const { sagemaker, log } = options;
  const created = { config: false, endpoint: false };
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= deleteCreated(sagemaker, name, created, log);
    return cleaning;
  };
  const unregister = (options.onTerminate ?? exitAfterCleanup(log))(cleanup);
  let outcome: { value: T } | undefined;
  let failure: unknown;
  try {
    const tags = options.tags && options.tags.length > 0 ? { Tags: [...options.tags] } : {};
    log(
      `shadow endpoint ${name}: creating for model ${spec.modelName} (${spec.initialInstanceCount} × ${spec.instanceType})`,
    );
    // Marked before the call: a stop signal during the call must still delete what it made.
    created.config = true;
    await lifecycleStep(name, spec, () =>
      sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: name,
          ProductionVariants: [
            {
              VariantName: "AllTraffic",
              ModelName: spec.modelName,
              InstanceType: spec.instanceType as never,
              InitialInstanceCount: spec.initialInstanceCount,
              ...(spec.acceleratorType !== undefined && { AcceleratorType: spec.acceleratorType as never }),
            },
          ],
          ...tags,
        }),
      ),
    );
    created.endpoint = true;
    await lifecycleStep(name, spec, () =>
      sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name, ...tags })),
    );
    await lifecycleStep(name, spec, () => waitInService(sagemaker, name, options));
    outcome = { value: await use(name) };
  } catch (error) {
    failure = error;
  } finally {
    unregister();
    try {
      await cleanup();
    } catch (leftBehind) {
      // The first error stands, and says what was left behind: a billed endpoint must not go unnoticed.
      if (failure instanceof Error) failure.message += `; and ${(leftBehind as Error).message}`;
      else failure = leftBehind;
    }
  }
  if (failure !== undefined) throw failure;
  return (outcome as { value: T }).value;
}

/** A SageMaker call of the lifecycle; its failure names the endpoint and the model. */
async function lifecycleStep<T>(name: string, spec: ShadowEndpointSpec, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ShadowEndpointError) throw error;
    const { name: kind, message } = error as Error;
    throw new ShadowEndpointError(`shadow endpoint ${name} for model ${spec.modelName}: ${kind}: ${message}`);
  }
}

async function waitInService(
  sagemaker: SageMakerClient,
  name: string,
  options: ShadowEndpointOptions,
): Promise<void> {
  const timeout = options.waitTimeoutMs ?? 30 * 60_000;
  const poll = options.pollIntervalMs ?? 30_000;
  const started = Date.now();
  for (;;) {
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    const status = endpoint.EndpointStatus ?? "Unknown";
    const seconds = Math.round((Date.now() - started) / 1000);
    if (status === "InService") {
      options.log(`shadow endpoint ${name}: InService after ${seconds} s`);
      return;
    }
    if (status === "Failed" || status === "OutOfService" || status === "Deleting") {
      throw new ShadowEndpointError(
        `shadow endpoint ${name} is ${status}${endpoint.FailureReason ? `: ${endpoint.FailureReason}` : ""}`,
      );
    }
    if (Date.now() - started + poll > timeout) {
      throw new ShadowEndpointError(
        `shadow endpoint ${name} is not InService after ${Math.round(timeout / 1000)} s (still ${status})`,
      );
    }
    options.log(`shadow endpoint ${name}: ${status} (${seconds} s)`);
    await delay(poll);
  }
}

/** Deletes the endpoint, then its config; both are tried, and what could not be deleted is named. */
async function deleteCreated(
  sagemaker: SageMakerClient,
  name: string,
  created: { endpoint: boolean; config: boolean },
  log: (line: string) => void,
): Promise<void> {
  const left: string[] = [];
  if (created.endpoint) {
    try {
      await sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
      log(`shadow endpoint ${name}: deleted`);
    } catch (error) {
      if (!notFound(error))
        left.push(`endpoint ${name} (${(error as Error).name}: ${(error as Error).message})`);
    }
  }
  if (created.config) {
    try {
      await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name }));
      log(`shadow endpoint ${name}: endpoint config deleted`);
    } catch (error) {
      if (!notFound(error))
        left.push(`endpoint config ${name} (${(error as Error).name}: ${(error as Error).message})`);
    }
  }
  if (left.length > 0) {
    const message = `could not delete ${left.join(" and ")}: delete it to stop its charges (aws sagemaker delete-endpoint --endpoint-name ${name}; delete-endpoint-config --endpoint-config-name ${name})`;
    log(`error: ${message}`);
    throw new ShadowEndpointError(message);
  }
}

/** A create that never happened (it failed, or the stop came before it) leaves nothing to delete. */
function notFound(error: unknown): boolean {
  return /could not find/i.test((error as Error).message ?? "");
}

/** On SIGTERM/SIGINT (the job being stopped), delete what was created, then exit as SIGTERM would. */
function exitAfterCleanup(log: (line: string) => void): (cleanup: () => Promise<void>) => () => void {
  return (cleanup) => {
    const handler = (signal: NodeJS.Signals) => {
      log(`${signal}: deleting the shadow endpoint before stopping`);
      cleanup()
        .catch(() => undefined)
        .finally(() => process.exit(143));
    };
    process.once("SIGTERM", handler);
    process.once("SIGINT", handler);
    return () => {
      process.off("SIGTERM", handler);
      process.off("SIGINT", handler);
    };
  };
}
