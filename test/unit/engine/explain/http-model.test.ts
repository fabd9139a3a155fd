import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../../../engine/analyze.ts";
import { httpModel } from "../../../../engine/explain/model/http-model.ts";
import { type ModelServer, startModelServer } from "../../../../examples/models/model-server.ts";
import { logisticRegression, multilayerPerceptron } from "../../../../examples/models/onnx-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "http-model-"));
const LR = join(dir, "lr.onnx");
const MLP = join(dir, "mlp.onnx");
writeFileSync(LR, logisticRegression([0.8, -0.5, 0.3], 0.1));
writeFileSync(
  MLP,
  multilayerPerceptron(
    {
      w: [
        [0.5, -0.3],
        [0.2, 0.8],
        [-0.7, 0.1],
      ],
      b: [0.1, -0.2],
    },
    {
      w: [
        [1.0, -0.5],
        [-0.3, 0.9],
      ],
      b: [0, 0.1],
    },
  ),
);
const DATA = join(dir, "data.csv");
writeFileSync(DATA, "a,b,c,y\n1,2,3,1\n0,1,0,0\n2,0,1,1\n1,1,1,0\n3,2,1,1\n");
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
const codec = { names: ["a", "b", "c"], categories: [undefined, undefined, undefined] };

let lr: ModelServer;
let mlp: ModelServer;
beforeAll(async () => {
  lr = await startModelServer({ modelPath: LR, featureCount: 3 });
  mlp = await startModelServer({ modelPath: MLP, featureCount: 3 });
});
afterAll(async () => {
  await lr.close();
  await mlp.close();
});

describe("HTTP models (SageMaker's inference protocol)", () => {
  it("explains over CSV exactly what the same ONNX model explains in-process", async () => {
    // Act
    const local = await analyze({
      datasetPath: DATA,
      config: CONFIG,
      outDir: join(dir, "local"),
      model: { onnx: LR },
      intervals: false,
    });
    const remote = await analyze({
      datasetPath: DATA,
      config: CONFIG,
      outDir: join(dir, "remote"),
      model: { endpoint: lr.url },
      intervals: false,
    });
    // Assess
    expect(remote.analysis.explanations).toEqual(local.analysis.explanations);
    expect(lr.requests()).toBeGreaterThan(0);
  });

  it("sends JSON Lines from content_template and reads the score the predictor's probability names", async () => {
    // Prepare
    const config = {
      ...CONFIG,
      predictor: {
        content_type: "application/jsonlines",
        accept_type: "application/jsonlines",
        content_template: '{"features":$features}',
        probability: "scores",
        label_headers: ["no", "yes"],
      },
    };
    // Act
    const local = await analyze({
      datasetPath: DATA,
      config: { ...config, predictor: { label_headers: ["no", "yes"] } },
      outDir: join(dir, "l2"),
      model: { onnx: MLP },
      intervals: false,
    });
    const remote = await analyze({
      datasetPath: DATA,
      config,
      outDir: join(dir, "r2"),
      model: { endpoint: `${mlp.url}/invocations` },
      intervals: false,
    });
    // Assess
    expect(Object.keys(remote.analysis.explanations?.kernel_shap ?? {})).toEqual(["no", "yes"]);
    expect(remote.analysis.explanations).toEqual(local.analysis.explanations);
  });

  it("picks one CSV column by index, and retries a server that answers 503 while it warms up", async () => {
    // Prepare
    const warming = await startModelServer({ modelPath: MLP, featureCount: 3, failFirst: 2 });
    const model = httpModel(warming.url, {
      codec,
      predictor: { contentType: "text/csv", acceptType: "text/csv", probability: 1 },
    });
    const direct = httpModel(mlp.url, { codec });
    try {
      // Act
      const picked = await model.predict(Float64Array.of(1, 2, 3), 1);
      const both = await direct.predict(Float64Array.of(1, 2, 3), 1);
      // Assess
      expect(warming.requests()).toBe(3);
      expect(picked).toEqual({ values: Float64Array.of(both.values[1] as number), outputs: 1 });
    } finally {
      await warming.close();
    }
  });

  it.each([
    [{ failFirst: 5 }, undefined, "failed 3 times: HTTP 503: model is loading"],
    [{}, 2, "column 2 must be a number"],
  ])(
    "fails in one line when the server keeps failing or answers no score (%#)",
    async (server, probability, message) => {
      // Prepare
      const failing = await startModelServer({ modelPath: LR, featureCount: 3, ...server });
      const model = httpModel(failing.url, {
        codec,
        predictor: {
          contentType: "text/csv",
          acceptType: "text/csv",
          ...(probability !== undefined && { probability }),
        },
      });
      try {
        // Act / Assess
        await expect(model.predict(Float64Array.of(1, 2, 3), 1)).rejects.toThrow(message);
      } finally {
        await failing.close();
      }
    },
  );

  it("names the endpoint and its refusal when a request is malformed for the model (4xx)", async () => {
    // Prepare: the server reads 3 features, the client sends 2
    const model = httpModel(lr.url, { codec: { names: ["a", "b"], categories: [undefined, undefined] } });
    // Act / Assess
    await expect(model.predict(Float64Array.of(1, 2), 1)).rejects.toThrow(
      `${lr.url}/invocations refused 1 rows: HTTP 400: line 1: expected 3 numbers`,
    );
  });
});
