/**
 * validate-config's pre-flight on a Parquet dataset, against moto's S3 over HTTP: the columns
 * come from the first part file's footer, read with two ranged GETs (its last 8 bytes, then the
 * footer), never the data.
 */
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { NormalizedRun, ValidateConfigEvent } from "../../contracts/pipeline-state.ts";
import { ConfigValidationError } from "../../lambdas/shared/errors.ts";
import { parquetBytes } from "../support/parquet-writer.ts";
import {
  ARTIFACTS_BUCKET,
  DATA_BUCKET,
  executionInfo,
  motoSkipReason,
  putText,
  useMoto,
} from "./moto-lambda-environment.ts";

type Handler = (event: ValidateConfigEvent) => Promise<NormalizedRun>;

const CONFIG_URI = `s3://${DATA_BUCKET}/credit/parquet_config.json`;
const PREFIX = `s3://${DATA_BUCKET}/credit/parquet/`;
const FIRST_PART = "credit/parquet/part-00000-7d2e.snappy.parquet";

/** 20,000 rows, so the file is far larger than its footer. */
function part(rows: number, offset = 0): Uint8Array {
  const ids = Array.from({ length: rows }, (_, i) => i + offset);
  return parquetBytes([
    { name: "Id", type: "INT64", data: ids },
    { name: "Age", type: "INT64", data: ids.map((i) => 30 + (i % 40)) },
    { name: "Sex", type: "STRING", data: ids.map((i) => (i % 2 ? "F" : "M")) },
    { name: "Income", type: "DOUBLE", data: ids.map((i) => 40000 + i * 1.5) },
    { name: "Target", type: "INT64", data: ids.map((i) => (i % 3 === 0 ? 1 : 0)) },
  ]);
}

function analysisConfig(label: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: "1.0",
    dataset_type: "application/x-parquet",
    label,
    label_values_or_threshold: [1],
    facet: [{ name_or_index: "Sex", value_or_threshold: ["F"] }],
    excluded_columns: ["Id"],
    methods: { pre_training_bias: { methods: ["CI", "DPL"] } },
    ...extra,
  };
}

function runInput(datasetUri = PREFIX): Record<string, unknown> {
  return {
    runName: "credit-parquet",
    analysisConfigUri: CONFIG_URI,
    dataset: { uri: datasetUri, s3DataType: "S3Prefix" },
    outputUri: `s3://${ARTIFACTS_BUCKET}/clarify-runs/`,
    job: { instanceCount: 1, maxRuntimeInSeconds: 1800 },
  };
}

describe.skipIf(motoSkipReason !== undefined)(
  "validate-config pre-flight on a Parquet dataset (moto S3)",
  () => {
    const moto = useMoto();
    let handler: Handler;
    const firstPart = part(20_000);

    beforeAll(async () => {
      ({ handler } = await import("../../lambdas/validate-config/index.ts"));
      const { s3 } = moto();
      // Spark's layout: a _SUCCESS marker and a _temporary/ attempt (listed first), and the part files.
      await putText(s3, `${PREFIX}_SUCCESS`, "");
      await putText(s3, `${PREFIX}_temporary/0/part-00000-7d2e.snappy.parquet`, part(10));
      await putText(s3, `s3://${DATA_BUCKET}/${FIRST_PART}`, firstPart);
      await putText(s3, `${PREFIX}part-00001-7d2e.snappy.parquet`, part(20_000, 20_000));
    });

    afterEach(() => {
      vi.restoreAllMocks();
    });

    it("reads only the first part's last 8 bytes, then its footer, with ranged GETs", async () => {
      // Prepare
      const { s3 } = moto();
      await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Target")));
      const send = vi.spyOn(S3Client.prototype, "send");
      const size = firstPart.length;
      const footerLength = new DataView(firstPart.buffer, firstPart.byteOffset).getUint32(size - 8, true);

      // Act
      const run = await handler({ input: runInput(), execution: executionInfo("exec-parquet") });

      // Assess
      expect(run.dataset).toEqual({ s3Uri: PREFIX, s3DataType: "S3Prefix" });
      const datasetReads = send.mock.calls.flatMap(([command], index) => {
        const read =
          command instanceof GetObjectCommand
            ? { name: "GetObject", key: command.input.Key, range: command.input.Range }
            : command instanceof HeadObjectCommand
              ? { name: "HeadObject", key: command.input.Key, range: undefined }
              : undefined;
        return read?.key?.startsWith("credit/parquet/") ? [{ ...read, index }] : [];
      });
      expect(datasetReads.map(({ name, key, range }) => [name, key, range])).toEqual([
        ["GetObject", FIRST_PART, `bytes=${size - 8}-${size - 1}`],
        ["GetObject", FIRST_PART, `bytes=${size - 8 - footerLength}-${size - 9}`],
      ]);
      const responses = await Promise.all(
        datasetReads.map(({ index }) => send.mock.results[index]?.value as Promise<GetObjectCommandOutput>),
      );
      expect(responses.map((r) => r.$metadata.httpStatusCode)).toEqual([206, 206]);
      const bytesRead = responses.reduce((sum, r) => sum + (r.ContentLength ?? 0), 0);
      expect(bytesRead).toBe(8 + footerLength);
      expect(bytesRead * 20).toBeLessThan(size);
    });

    it("rejects a config whose label column is not in the Parquet file, listing the file's columns", async () => {
      // Prepare
      const { s3 } = moto();
      await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Defaulted")));

      // Act
      const error = await handler({
        input: runInput(),
        execution: executionInfo("exec-parquet-label"),
      }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).problems).toEqual([
        {
          path: `${CONFIG_URI} $.label`,
          message: `column "Defaulted" is not in s3://${DATA_BUCKET}/${FIRST_PART} (columns: Id, Age, Sex, Income, Target)`,
        },
      ]);
    });

    it("rejects a CSV object given as application/x-parquet with one line naming it", async () => {
      // Prepare
      const { s3 } = moto();
      const csvUri = `s3://${DATA_BUCKET}/credit/train.csv`;
      await putText(s3, csvUri, "Id,Age,Sex,Income,Target\n1,30,F,40000,1\n");
      await putText(s3, CONFIG_URI, JSON.stringify(analysisConfig("Target")));

      // Act
      const error = await handler({
        input: runInput(csvUri),
        execution: executionInfo("exec-parquet-csv"),
      }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).problems).toEqual([
        {
          path: "$.dataset.uri",
          message: `${csvUri} is not a Parquet file: it does not end with PAR1, but dataset_type is application/x-parquet`,
        },
      ]);
    });
  },
);
