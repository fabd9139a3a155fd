import { basename } from "node:path";
import { ModelError, type ModelScores, type ScoringModel } from "./scoring-model.ts";

type Ort = typeof import("onnxruntime-node");

export interface OnnxModelOptions {
  /** The dataset's feature count: the model's one input must be [batch, featureCount]. */
  readonly featureCount: number;
  /** Keep only this column of a [batch, classes] output (the predictor's `probability` index). */
  readonly outputIndex?: number;
}

/**
 * An ONNX model run in-process on the CPU with onnxruntime-node: one float input
 * [batch, features] in the dataset's feature order, and a first output of [batch],
 * [batch, 1] or [batch, classes] scores. onnxruntime is loaded only when a model is used.
 */
export async function loadOnnxModel(path: string, options: OnnxModelOptions): Promise<ScoringModel> {
  const ort: Ort = await import("onnxruntime-node");
  const description = basename(path);
  let session: Awaited<ReturnType<Ort["InferenceSession"]["create"]>>;
  try {
    // One thread: the batches SHAP and PDP send are many short rows, where onnxruntime's spinning
    // intra-op threads cost more CPU than they save (bench:explain: CPU 0.19 s → 0.11 s).
    session = await ort.InferenceSession.create(path, { executionProviders: ["cpu"], intraOpNumThreads: 1 });
  } catch (error) {
    throw new ModelError(`--model ${path} cannot be loaded as an ONNX model: ${firstLine(error)}`);
  }
  if (session.inputNames.length !== 1) {
    throw new ModelError(
      `${description} has ${session.inputNames.length} inputs (${session.inputNames.join(", ")}); the engine feeds one [batch, features] float tensor`,
    );
  }
  const input = session.inputMetadata[0];
  if (input?.isTensor) {
    if (input.type !== "float32") {
      throw new ModelError(`${description} takes ${input.type} input; the engine feeds float (float32)`);
    }
    const width = input.shape[1];
    if (input.shape.length !== 2 || (typeof width === "number" && width !== options.featureCount)) {
      throw new ModelError(
        `${description} takes input of shape [${input.shape.join(", ")}], but the dataset has ${options.featureCount} features: it must be [batch, ${options.featureCount}]`,
      );
    }
  }
  const inputName = session.inputNames[0] as string;
  const outputName = session.outputNames[0] as string;
  const F = options.featureCount;
  let floats = new Float32Array(0);
  let running = 0;
  return {
    description,
    async predict(rows: Float64Array, count: number): Promise<ModelScores> {
      // The input buffer is reused, but not while another call runs: onnxruntime reads it while
      // the session runs, and a caller such as a model server may score requests concurrently.
      if (running === 0 && floats.length < count * F) floats = new Float32Array(count * F);
      const batch = running === 0 ? floats.subarray(0, count * F) : new Float32Array(count * F);
      batch.set(rows.subarray(0, count * F));
      let result: Awaited<ReturnType<typeof session.run>>;
      running++;
      try {
        result = await session.run({ [inputName]: new ort.Tensor("float32", batch, [count, F]) }, [
          outputName,
        ]);
      } catch (error) {
        throw new ModelError(`${description} failed on a batch of ${count} rows: ${firstLine(error)}`);
      } finally {
        running--;
      }
      const output = result[outputName] as InstanceType<Ort["Tensor"]>;
      const dims = output.dims;
      const width = dims.length === 1 ? 1 : (dims[1] as number);
      if (dims[0] !== count || dims.length > 2) {
        throw new ModelError(
          `${description} answered shape [${dims.join(", ")}] for ${count} rows; expected [${count}], [${count}, 1] or [${count}, classes]`,
        );
      }
      const data = output.data as Float32Array | Float64Array;
      if (options.outputIndex === undefined) return { values: Float64Array.from(data), outputs: width };
      if (options.outputIndex >= width) {
        throw new ModelError(
          `$.predictor.probability: index ${options.outputIndex}, but ${description} answers ${width} scores per row`,
        );
      }
      const values = new Float64Array(count);
      for (let r = 0; r < count; r++) values[r] = data[r * width + options.outputIndex] as number;
      return { values, outputs: 1 };
    },
    async close() {
      await session.release();
    },
  };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
}
