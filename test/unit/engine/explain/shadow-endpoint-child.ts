/**
 * Run as a child process by sagemaker-endpoint.test.ts: makes a shadow endpoint on the moto
 * server given as argument, prints "ready <name>", then works until it is stopped (SIGTERM),
 * as a processing job's container is when the job is stopped.
 */
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { withShadowEndpoint } from "../../../../engine/explain/model/shadow-endpoint.ts";

const endpoint = process.argv[2];
const sagemaker = new SageMakerClient({
  region: "us-east-1",
  endpoint,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
await withShadowEndpoint(
  { modelName: "credit-model", instanceType: "ml.m5.xlarge", initialInstanceCount: 1 },
  { sagemaker, log: (line) => console.log(line), uniqueSuffix: () => "sigterm", pollIntervalMs: 10 },
  async (name) => {
    console.log(`ready ${name}`);
    await new Promise(() => setInterval(() => undefined, 1000));
  },
);
