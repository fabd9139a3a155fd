/**
 * One interface for every model the explanations call: an ONNX file run in-process, an HTTP
 * server speaking SageMaker's inference protocol, and (later) a SageMaker endpoint. Rows go
 * in as one flat batch in the dataset's feature order; scores come back per row and output.
 */
export interface ScoringModel {
  /** Says which model this is in messages: `model.onnx`, `http://127.0.0.1:8080`. */
  readonly description: string;
  /**
   * Scores `count` rows of `featureCount` values each, laid out row after row. A text
   * (categorical) feature holds its category code; see {@link FeatureCodec}.
   */
  predict(rows: Float64Array, count: number): Promise<ModelScores>;
  /** Releases the session or connections. */
  close(): Promise<void>;
}

/** `values[row * outputs + o]` is output o's score for the row. */
export interface ModelScores {
  readonly values: Float64Array;
  readonly outputs: number;
}

/** How the engine's numeric feature matrix maps back to the dataset's values. */
export interface FeatureCodec {
  readonly names: readonly string[];
  /** For a text column, the category of each code; undefined for numeric columns. */
  readonly categories: readonly (readonly string[] | undefined)[];
}

export { ModelError } from "../../errors.ts";
