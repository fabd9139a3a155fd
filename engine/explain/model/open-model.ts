import type { PredictorConfig } from "../../config/explain-config.ts";
import { loadOnnxModel } from "./onnx-model.ts";
import { type FeatureCodec, ModelError, type ScoringModel } from "./scoring-model.ts";

/** Where the model of a local run is: an ONNX file, or an HTTP server speaking SageMaker's protocol. */
export type ModelSource = { readonly onnx: string } | { readonly endpoint: string };

export interface ModelContext {
  readonly codec: FeatureCodec;
  readonly predictor?: PredictorConfig;
}

export function isModelSource(value: unknown): value is ModelSource {
  return typeof value === "object" && value !== null && ("onnx" in value || "endpoint" in value);
}

/** Opens the model for a dataset whose features are `codec`, reading scores as `predictor` says. */
export async function openModel(source: ModelSource, context: ModelContext): Promise<ScoringModel> {
  const featureCount = context.codec.names.length;
  if ("onnx" in source) {
    const text = context.codec.categories.findIndex((c) => c !== undefined);
    if (text >= 0) {
      throw new ModelError(
        `feature "${context.codec.names[text]}" holds text, and an ONNX model takes numbers: encode it as numbers in the dataset, or serve the model over HTTP (--model-endpoint)`,
      );
    }
    const probability = context.predictor?.probability;
    if (typeof probability === "string") {
      throw new ModelError(
        `$.predictor.probability: "${probability}" names a key of a JSON answer; for an ONNX model give the index of the score column`,
      );
    }
    return loadOnnxModel(source.onnx, {
      featureCount,
      ...(probability !== undefined && { outputIndex: probability }),
    });
  }
  const { httpModel } = await import("./http-model.ts");
  return httpModel(source.endpoint, context);
}
