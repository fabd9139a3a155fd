import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { quotedColumn } from "../../aggregate/role-column.ts";
import type { PredictorConfig } from "../../config/explain-config.ts";
import { loadOnnxModel } from "./onnx-model.ts";
import { type FeatureCodec, ModelError, type ScoringModel } from "./scoring-model.ts";

/**
 * Where the model is: an ONNX file, an HTTP server speaking SageMaker's protocol, or a SageMaker
 * endpoint (the predictor's `endpoint_name`, or the shadow endpoint made for its `model_name`).
 */
export type ModelSource =
  | { readonly onnx: string }
  | { readonly endpoint: string }
  | { readonly sagemakerEndpoint: string; readonly runtime?: SageMakerRuntimeClient };

export interface ModelContext {
  readonly codec: FeatureCodec;
  readonly predictor?: PredictorConfig;
  /**
   * Told the rows the model has scored, as it goes: per request to an endpoint (a model call
   * may be many), per call to an in-process model (the explanations' progress). Stays on the
   * thread that opened the model.
   */
  readonly scored?: (rows: number) => void;
}

export function isModelSource(value: unknown): value is ModelSource {
  return (
    typeof value === "object" &&
    value !== null &&
    ("onnx" in value || "endpoint" in value || "sagemakerEndpoint" in value)
  );
}

/** Opens the model for a dataset whose features are `codec`, reading scores as `predictor` says. */
export async function openModel(source: ModelSource, context: ModelContext): Promise<ScoringModel> {
  const featureCount = context.codec.names.length;
  if ("onnx" in source) {
    const text = context.codec.categories.findIndex((c) => c !== undefined);
    if (text >= 0) {
      throw new ModelError(
        `feature ${quotedColumn(context.codec.names[text] ?? text)} holds text, and an ONNX model takes numbers: encode it as numbers in the dataset, or serve the model over HTTP (--model-endpoint)`,
      );
    }
    const probability = context.predictor?.probability;
    if (typeof probability === "string") {
      throw new ModelError(
        `$.predictor.probability: "${probability}" names a key of a JSON answer; for an ONNX model give the index of the score column`,
      );
    }
    const model = await loadOnnxModel(source.onnx, {
      featureCount,
      ...(probability !== undefined && { outputIndex: probability }),
    });
    return context.scored ? tellingScored(model, context.scored) : model;
  }
  if ("sagemakerEndpoint" in source) {
    const { sageMakerEndpointModel } = await import("./sagemaker-endpoint-model.ts");
    const predictor = context.predictor;
    return sageMakerEndpointModel(
      {
        endpointName: source.sagemakerEndpoint,
        ...(source.runtime && { runtime: source.runtime }),
        ...(predictor?.targetModel !== undefined && { targetModel: predictor.targetModel }),
        ...(predictor?.customAttributes !== undefined && { customAttributes: predictor.customAttributes }),
      },
      context,
    );
  }
  const { httpModel } = await import("./http-model.ts");
  return httpModel(source.endpoint, context);
}

/** The model, telling `scored` the rows of each call once it has answered. */
export function tellingScored(model: ScoringModel, scored: (rows: number) => void): ScoringModel {
  return {
    description: model.description,
    predict: async (rows, count) => {
      const scores = await model.predict(rows, count);
      scored(count);
      return scores;
    },
    close: () => model.close(),
  };
}
