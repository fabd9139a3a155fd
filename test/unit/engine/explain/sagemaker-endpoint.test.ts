/**
 * The SageMaker endpoint model and Clarify's shadow endpoint: the control plane (endpoint config,
 * endpoint, tags, deletes) runs against moto's SageMaker; InvokeEndpoint, which moto answers only
 * with canned bodies, is mocked to forward each request to the project's tiny model server after
 * checking that moto holds the endpoint InService, and every request is asserted.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateModelCommand,
  CreateProcessingJobCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import {
  InvokeEndpointCommand,
  type InvokeEndpointCommandInput,
  ModelError as InvokeModelError,
  SageMakerRuntimeClient,
  SageMakerRuntimeServiceException,
  ValidationError,
} from "@aws-sdk/client-sagemaker-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { DEFAULT_LIMITS } from "../../../../engine/explain/model/inference-protocol.ts";
import { sageMakerEndpointModel } from "../../../../engine/explain/model/sagemaker-endpoint-model.ts";
import { ShadowEndpointError, withShadowEndpoint } from "../../../../engine/explain/model/shadow-endpoint.ts";
import { runProcessingJob } from "../../../../engine/processing/run-processing-job.ts";
import { type ModelServer, startModelServer } from "../../../../examples/models/model-server.ts";
import { logisticRegression } from "../../../../examples/models/onnx-writer.ts";
import { type MotoServer, motoSkipReason, startMotoServer } from "../../../support/moto-server.ts";

const REGION = "us-east-1";
const JOB_ARN = `arn:aws:sagemaker:${REGION}:123456789012:processing-job/clarify-credit-1`;
const MODEL = { model_name: "credit-model", instance_type: "ml.m5.xlarge", initial_instance_count: 1 };
const SPEC = { modelName: "credit-model", instanceType: "ml.m5.xlarge", initialInstanceCount: 1 };
const CODEC = { names: ["a", "b", "c"], categories: [undefined, undefined, undefined] };
const CONFIG = {
  dataset_type: "text/csv",
  label: "y",
  label_values_or_threshold: [1],
  facet: [{ name_or_index: "a", value_or_threshold: [1] }],
  methods: {
    pre_training_bias: { methods: ["CI"] },
    shap: { baseline: [[0, 0, 0]], num_samples: 6 },
    pdp: { features: ["b"], grid_resolution: 3 },
  },
};
const DATA = "a,b,c,y\n1,2,3,1\n0,1,0,0\n2,0,1,1\n1,1,1,0\n3,2,1,1\n";

let dir: string;
let onnxPath: string;
let moto: MotoServer;
let server: ModelServer;
const runtimeMock = mockClient(SageMakerRuntimeClient);
const runtime = new SageMakerRuntimeClient({ region: REGION });
const invocations: InvokeEndpointCommandInput[] = [];

interface Recorded {
  readonly client: SageMakerClient;
  readonly calls: { command: string; input: Record<string, unknown> }[];
}

/** A SageMaker client on moto that records every command; `override` replaces moto's answer to one. */
function recordingClient(
  override: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {},
) {
  const client = new SageMakerClient({
    region: REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const recorded: Recorded = { client, calls: [] };
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  client.send = (async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name.replace(/Command$/, "");
    recorded.calls.push({ command: name, input: command.input });
    const replaced = override[name];
    return replaced ? replaced(command.input) : send(command);
  }) as SageMakerClient["send"];
  return recorded;
}

/** What moto still holds: every shadow endpoint test ends with nothing. */
async function leftOver(client: SageMakerClient): Promise<string[]> {
  const endpoints = await client.send(new ListEndpointsCommand({}));
  const configs = await client.send(new ListEndpointConfigsCommand({}));
  return [
    ...(endpoints.Endpoints ?? []).map((e) => `endpoint ${e.EndpointName}`),
    ...(configs.EndpointConfigs ?? []).map((c) => `endpoint config ${c.EndpointConfigName}`),
  ];
}

/** InvokeEndpoint forwarded to the model server, once moto says the endpoint is InService. */
function forwardToModelServer(control: SageMakerClient) {
  return async (input: InvokeEndpointCommandInput) => {
    invocations.push(input);
    const described = await control.send(new DescribeEndpointCommand({ EndpointName: input.EndpointName }));
    if (described.EndpointStatus !== "InService") throw new Error(`${input.EndpointName} is not InService`);
    const response = await fetch(`${server.url}/invocations`, {
      method: "POST",
      headers: { "content-type": input.ContentType ?? "", accept: input.Accept ?? "" },
      body: Buffer.from(input.Body as Uint8Array),
    });
    return { Body: new Uint8Array(await response.arrayBuffer()) as never, ContentType: input.Accept };
  };
}

const bodies = () => invocations.map((i) => Buffer.from(i.Body as Uint8Array).toString("utf8"));
const quiet = { log: () => undefined, onTerminate: () => () => undefined };

beforeAll(async () => {
  if (motoSkipReason) return;
  dir = await mkdtemp(join(tmpdir(), "sagemaker-endpoint-"));
  onnxPath = join(dir, "lr.onnx");
  await writeFile(onnxPath, logisticRegression([0.8, -0.5, 0.3], 0.1));
  [moto, server] = await Promise.all([
    startMotoServer(),
    startModelServer({ modelPath: onnxPath, featureCount: 3 }),
  ]);
  const { client } = recordingClient();
  await client.send(
    new CreateModelCommand({
      ModelName: "credit-model",
      ExecutionRoleArn: "arn:aws:iam::123456789012:role/model",
      PrimaryContainer: { Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/credit:1" },
    }),
  );
  await client.send(
    new CreateProcessingJobCommand({
      ProcessingJobName: "clarify-credit-1",
      RoleArn: "arn:aws:iam::123456789012:role/job",
      AppSpecification: { ImageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/engine:1" },
      ProcessingResources: {
        ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 20 },
      },
      Tags: [
        { Key: "team", Value: "risk" },
        { Key: "cost-center", Value: "42" },
      ],
    }),
  );
}, 60_000);
afterAll(async () => {
  await Promise.all([moto?.stop(), server?.close()]);
});
afterEach(() => {
  runtimeMock.reset();
  invocations.length = 0;
});

describe.skipIf(motoSkipReason !== undefined)("a model_name predictor in the builtin container", () => {
  it("makes a tagged shadow endpoint, explains through it exactly what the model explains in-process, and deletes it", async () => {
    // Prepare
    const root = join(dir, "job");
    await mkdir(join(root, "processing/input/config"), { recursive: true });
    await mkdir(join(root, "processing/input/data"), { recursive: true });
    await writeFile(
      join(root, "processing/input/config/analysis_config.json"),
      JSON.stringify({ ...CONFIG, predictor: MODEL }),
    );
    await writeFile(join(root, "processing/input/data/train.csv"), DATA);
    const jobConfig = join(root, "processingjobconfig.json");
    await writeFile(jobConfig, JSON.stringify({ ProcessingJobArn: JOB_ARN }));
    const control = recordingClient();
    runtimeMock.on(InvokeEndpointCommand).callsFake(forwardToModelServer(control.client));
    const log: string[] = [];

    // Act
    const result = await runProcessingJob({
      processingDir: join(root, "processing"),
      log: (line) => log.push(line),
      environment: { AWS_REGION: REGION, CLARIFY_PIPELINE_RESAMPLES: "10" },
      predictor: {
        sagemaker: () => control.client,
        runtime: () => runtime,
        processingJobConfigPath: jobConfig,
        shadowEndpoint: { ...quiet, uniqueSuffix: () => "0b7e6a52-54c4-4c1e-9d0c-6a1f3c2e9b11" },
      },
    });
    const inProcess = await analyze({
      datasetPath: join(root, "processing/input/data"),
      config: CONFIG,
      outDir: join(root, "local"),
      model: { onnx: onnxPath },
      intervals: false,
    });

    // Assess
    const name = "sm-clarify-0b7e6a52-54c4-4c1e-9d0c-6a1f3c2e9b11";
    expect(result.analysis.explanations).toEqual(inProcess.analysis.explanations);
    const tags = [
      { Key: "team", Value: "risk" },
      { Key: "cost-center", Value: "42" },
    ];
    expect(control.calls).toEqual([
      { command: "ListTags", input: { ResourceArn: JOB_ARN } },
      {
        command: "CreateEndpointConfig",
        input: {
          EndpointConfigName: name,
          ProductionVariants: [
            {
              VariantName: "AllTraffic",
              ModelName: "credit-model",
              InstanceType: "ml.m5.xlarge",
              InitialInstanceCount: 1,
            },
          ],
          Tags: tags,
        },
      },
      { command: "CreateEndpoint", input: { EndpointName: name, EndpointConfigName: name, Tags: tags } },
      { command: "DescribeEndpoint", input: { EndpointName: name } },
      // The InvokeEndpoint fake's own checks, one per request.
      ...invocations.map(() => ({ command: "DescribeEndpoint", input: { EndpointName: name } })),
      { command: "DeleteEndpoint", input: { EndpointName: name } },
      { command: "DeleteEndpointConfig", input: { EndpointConfigName: name } },
    ]);
    expect(invocations.length).toBeGreaterThan(0);
    for (const invocation of invocations) {
      expect(invocation).toMatchObject({ EndpointName: name, ContentType: "text/csv", Accept: "text/csv" });
    }
    expect(await leftOver(control.client)).toEqual([]);
    expect(await readFile(join(root, "processing/output/analysis.json"), "utf8")).toContain("kernel_shap");
  });

  it("calls an endpoint_name predictor as it is: no endpoint is created or deleted", async () => {
    // Prepare
    const control = recordingClient();
    runtimeMock.on(InvokeEndpointCommand).callsFake(async (input: InvokeEndpointCommandInput) => {
      invocations.push(input);
      return { Body: new TextEncoder().encode('{"score":0.25}\n{"score":0.75}\n') as never };
    });
    const model = sageMakerEndpointModel(
      { endpointName: "credit-live", runtime, targetModel: "m2.tar.gz", customAttributes: "trace=1" },
      {
        codec: CODEC,
        predictor: {
          contentType: "application/jsonlines",
          acceptType: "application/jsonlines",
          contentTemplate: '{"features":$features}',
          probability: "score",
        },
      },
    );

    // Act
    const scores = await model.predict(Float64Array.of(1, 2, 3, 4, 5, 6), 2);

    // Assess
    expect(scores).toEqual({ values: Float64Array.of(0.25, 0.75), outputs: 1 });
    expect(invocations).toEqual([
      {
        EndpointName: "credit-live",
        Body: Buffer.from('{"features":[1,2,3]}\n{"features":[4,5,6]}'),
        ContentType: "application/jsonlines",
        Accept: "application/jsonlines",
        TargetModel: "m2.tar.gz",
        CustomAttributes: "trace=1",
      },
    ]);
    expect(control.calls).toEqual([]);
  });

  it("fails naming the endpoint and the model's message on a model error, and still deletes the endpoint", async () => {
    // Prepare
    const control = recordingClient();
    runtimeMock.on(InvokeEndpointCommand).rejects(
      new InvokeModelError({
        message: "Received client error (400) from primary",
        $metadata: { httpStatusCode: 424 },
        OriginalStatusCode: 400,
        OriginalMessage: "expected 4 features, got 3",
        LogStreamArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x",
      }),
    );

    // Act
    const run = withShadowEndpoint(
      SPEC,
      { sagemaker: control.client, ...quiet, uniqueSuffix: () => "model-error" },
      (name) =>
        sageMakerEndpointModel({ endpointName: name, runtime }, { codec: CODEC }).predict(
          Float64Array.of(1, 2, 3),
          1,
        ),
    );

    // Assess
    await expect(run).rejects.toThrow(
      "SageMaker endpoint sm-clarify-model-error: the model failed on 1 rows (HTTP 400): expected 4 features, got 3; its log: arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/x",
    );
    expect(control.calls.map((c) => c.command).slice(-2)).toEqual(["DeleteEndpoint", "DeleteEndpointConfig"]);
    expect(await leftOver(control.client)).toEqual([]);
  });

  it("retries throttling with backoff, and fails naming the endpoint when throttling outlasts the attempts", async () => {
    // Prepare
    const control = recordingClient();
    const throttled = () =>
      new SageMakerRuntimeServiceException({
        name: "ThrottlingException",
        $fault: "client",
        message: "Rate exceeded",
        $metadata: { httpStatusCode: 400 },
      });
    let calls = 0;
    runtimeMock.on(InvokeEndpointCommand).callsFake(async () => {
      calls++;
      if (calls <= 2) throw throttled();
      return { Body: new TextEncoder().encode("0.5\n") as never };
    });
    const limits = { ...DEFAULT_LIMITS, attempts: 3, retryBaseMs: 1 };

    // Act
    const recovered = await withShadowEndpoint(
      SPEC,
      { sagemaker: control.client, ...quiet, uniqueSuffix: () => "throttled" },
      (name) =>
        sageMakerEndpointModel({ endpointName: name, runtime, limits }, { codec: CODEC }).predict(
          Float64Array.of(1, 2, 3),
          1,
        ),
    );
    runtimeMock.on(InvokeEndpointCommand).rejects(throttled());
    const exhausted = withShadowEndpoint(
      SPEC,
      { sagemaker: control.client, ...quiet, uniqueSuffix: () => "exhausted" },
      (name) =>
        sageMakerEndpointModel({ endpointName: name, runtime, limits }, { codec: CODEC }).predict(
          Float64Array.of(1, 2, 3),
          1,
        ),
    );

    // Assess
    expect(recovered.values).toEqual(Float64Array.of(0.5));
    expect(calls).toBe(3);
    await expect(exhausted).rejects.toThrow(
      "SageMaker endpoint sm-clarify-exhausted failed 3 times: ThrottlingException: Rate exceeded",
    );
    expect(await leftOver(control.client)).toEqual([]);
  });

  it("keeps each request under the payload limit, and splits a batch SageMaker finds too large or too slow", async () => {
    // Prepare: 6 rows of "x,y,z" (6 bytes with the newline each); at most 20 bytes: 3 rows a request.
    const control = recordingClient();
    runtimeMock.on(InvokeEndpointCommand).callsFake(forwardToModelServer(control.client));
    const limits = { ...DEFAULT_LIMITS, maxPayloadBytes: 20, parallelRequests: 1 };
    const rows = Float64Array.of(1, 2, 3, 0, 1, 0, 2, 0, 1, 1, 1, 1, 3, 2, 1, 1, 2, 3);
    const reference = await (async () => {
      const { httpModel } = await import("../../../../engine/explain/model/http-model.ts");
      return httpModel(server.url, { codec: CODEC }).predict(rows, 6);
    })();

    // Act
    const limited = await withShadowEndpoint(
      SPEC,
      { sagemaker: control.client, ...quiet, uniqueSuffix: () => "payload" },
      (name) =>
        sageMakerEndpointModel({ endpointName: name, runtime, limits }, { codec: CODEC }).predict(rows, 6),
    );
    const limitedBodies = bodies();
    invocations.length = 0;
    let refused = 0;
    runtimeMock.on(InvokeEndpointCommand).callsFake(async (input: InvokeEndpointCommandInput) => {
      const lines = Buffer.from(input.Body as Uint8Array)
        .toString("utf8")
        .split("\n").length;
      if (lines > 2 && refused++ === 0) {
        throw new ValidationError({ message: "Request payload size exceeds the limit", $metadata: {} });
      }
      if (lines > 2) {
        throw new InvokeModelError({
          message:
            'Received server error (0) from primary with message "Your invocation timed out while waiting for a response from container primary"',
          $metadata: { httpStatusCode: 424 },
        });
      }
      return forwardToModelServer(control.client)(input);
    });
    const split = await withShadowEndpoint(
      SPEC,
      { sagemaker: control.client, ...quiet, uniqueSuffix: () => "split" },
      (name) => sageMakerEndpointModel({ endpointName: name, runtime }, { codec: CODEC }).predict(rows, 6),
    );

    // Assess
    expect(limitedBodies).toEqual(["1,2,3\n0,1,0\n2,0,1", "1,1,1\n3,2,1\n1,2,3"]);
    expect(limited).toEqual(reference);
    expect(bodies()).toEqual(["1,2,3\n0,1,0", "2,0,1", "1,1,1\n3,2,1", "1,2,3"]);
    expect(split).toEqual(reference);
    expect(await leftOver(control.client)).toEqual([]);
  });

  it("gives up on an endpoint that is not InService in time, or fails to start, deleting what it created", async () => {
    // Prepare: moto makes endpoints InService at once; these answers are those of a slow and a failed start.
    const creating = recordingClient({
      DescribeEndpoint: async () => ({ EndpointStatus: "Creating" }),
    });
    const failed = recordingClient({
      DescribeEndpoint: async () => ({
        EndpointStatus: "Failed",
        FailureReason: "The image cannot be pulled",
      }),
    });
    const log: string[] = [];
    const used: string[] = [];

    // Act
    const [slow, broken] = await Promise.allSettled([
      withShadowEndpoint(
        SPEC,
        {
          sagemaker: creating.client,
          log: (l) => log.push(l),
          onTerminate: quiet.onTerminate,
          uniqueSuffix: () => "slow",
          waitTimeoutMs: 60,
          pollIntervalMs: 20,
        },
        async (name) => used.push(name),
      ),
      withShadowEndpoint(
        SPEC,
        { sagemaker: failed.client, ...quiet, uniqueSuffix: () => "broken" },
        async (name) => used.push(name),
      ),
    ]);

    // Assess
    expect(slow).toEqual({
      status: "rejected",
      reason: new ShadowEndpointError(
        "shadow endpoint sm-clarify-slow is not InService after 0 s (still Creating)",
      ),
    });
    expect(broken).toEqual({
      status: "rejected",
      reason: new ShadowEndpointError(
        "shadow endpoint sm-clarify-broken is Failed: The image cannot be pulled",
      ),
    });
    expect(used).toEqual([]);
    expect(log).toContain("shadow endpoint sm-clarify-slow: Creating (0 s)");
    expect(creating.calls.map((c) => c.command).slice(-2)).toEqual([
      "DeleteEndpoint",
      "DeleteEndpointConfig",
    ]);
    expect(await leftOver(creating.client)).toEqual([]);
  });

  it("deletes the endpoint when the job is stopped while it runs", async () => {
    // Prepare
    const control = recordingClient();
    let terminate: (() => Promise<void>) | undefined;
    const registered: string[] = [];

    // Act: the stop signal arrives while the analysis uses the endpoint.
    await withShadowEndpoint(
      SPEC,
      {
        sagemaker: control.client,
        log: () => undefined,
        uniqueSuffix: () => "stopped",
        onTerminate: (cleanup) => {
          terminate = cleanup;
          registered.push("registered");
          return () => registered.push("unregistered");
        },
      },
      async () => {
        await terminate?.();
        registered.push(...(await leftOver(control.client)));
      },
    );

    // Assess: deleted at the signal, once (the finally's cleanup is the same deletion).
    expect(registered).toEqual(["registered", "unregistered"]);
    expect(control.calls.filter((c) => c.command.startsWith("Delete")).map((c) => c.command)).toEqual([
      "DeleteEndpoint",
      "DeleteEndpointConfig",
    ]);
  });

  it("deletes the endpoint and its config when the process gets SIGTERM, then exits with 143", async () => {
    // Prepare
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "shadow-endpoint-child.ts"), moto.endpoint],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("ready sm-clarify-sigterm")) resolve();
      });
      child.on("exit", () => reject(new Error(`the child ended before it was ready: ${output}`)));
    });
    const { client } = recordingClient();
    const whileRunning = await leftOver(client);

    // Act
    child.kill("SIGTERM");
    const code = await exited;

    // Assess
    expect(whileRunning).toEqual(["endpoint sm-clarify-sigterm", "endpoint config sm-clarify-sigterm"]);
    expect(code).toBe(143);
    expect(output).toContain("SIGTERM: deleting the shadow endpoint before stopping");
    expect(output).toContain("shadow endpoint sm-clarify-sigterm: endpoint config deleted");
    expect(await leftOver(client)).toEqual([]);
  }, 30_000);

  it("fails the job when the endpoint cannot be deleted, naming it and how to delete it", async () => {
    // Prepare
    const control = recordingClient({
      DeleteEndpoint: async () => {
        throw Object.assign(new Error("not authorized to perform: sagemaker:DeleteEndpoint"), {
          name: "AccessDeniedException",
        });
      },
    });

    // Act
    const [analysed, failed] = await Promise.allSettled([
      withShadowEndpoint(
        SPEC,
        { sagemaker: control.client, ...quiet, uniqueSuffix: () => "kept" },
        async () => "analysed",
      ),
      withShadowEndpoint(
        SPEC,
        { sagemaker: control.client, ...quiet, uniqueSuffix: () => "kept2" },
        async () => {
          throw new ShadowEndpointError("the model failed");
        },
      ),
    ]);

    // Assess: the analysis's own error stands first and names what is left behind.
    expect(analysed).toEqual({
      status: "rejected",
      reason: new ShadowEndpointError(
        "could not delete endpoint sm-clarify-kept (AccessDeniedException: not authorized to perform: sagemaker:DeleteEndpoint): delete it to stop its charges (aws sagemaker delete-endpoint --endpoint-name sm-clarify-kept; delete-endpoint-config --endpoint-config-name sm-clarify-kept)",
      ),
    });
    expect((failed as PromiseRejectedResult).reason.message).toMatch(
      /^the model failed; and could not delete endpoint sm-clarify-kept2 \(AccessDeniedException/,
    );
    expect(control.calls.filter((c) => c.command === "DeleteEndpointConfig")).toHaveLength(2);
    const { client } = recordingClient();
    // Both ran at once: moto lists them in the order they were created.
    expect((await leftOver(client)).sort()).toEqual([
      "endpoint sm-clarify-kept",
      "endpoint sm-clarify-kept2",
    ]);
    for (const name of ["sm-clarify-kept", "sm-clarify-kept2"]) {
      await client.send(new DeleteEndpointCommand({ EndpointName: name }));
    }
  });
});
