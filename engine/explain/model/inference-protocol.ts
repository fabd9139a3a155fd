import { setTimeout as delay } from "node:timers/promises";
import type { PredictorConfig } from "../../config/explain-config.ts";
import type { ModelContext } from "./open-model.ts";
import { ModelError, type ModelScores, type ScoringModel } from "./scoring-model.ts";

/**
 * SageMaker's inference protocol as a {@link ScoringModel}, whatever carries it (plain HTTP
 * `POST /invocations`, or SageMaker Runtime's InvokeEndpoint): rows go out as CSV lines or JSON
 * Lines (`predictor.content_type`, JSON Lines records built from `content_template`), and each
 * answer line gives one row's scores (`predictor.accept_type`), picked by
 * `predictor.probability`, else `predictor.label`, else every value of the line. Requests stay
 * under the payload limit; a transient failure is retried with backoff; a request the carrier
 * says is too large or too slow is split in two.
 */

/** What one attempt at sending a request body came to. */
export type Delivery =
  | { readonly answer: string }
  /** Worth another attempt (server error, throttling, no answer in time). */
  | { readonly retry: string }
  /** Too much for one request (payload or time limit): send the rows in two halves. */
  | { readonly split: string };

/** Sends one request body of `count` rows; throws a ModelError for what no retry can fix. */
export type Transport = (body: string, count: number) => Promise<Delivery>;

export interface ProtocolLimits {
  /** Largest request body; SageMaker's InvokeEndpoint takes at most 6 MB. */
  readonly maxPayloadBytes: number;
  readonly maxRowsPerRequest: number;
  /** Attempts per request, the first included. */
  readonly attempts: number;
  /** Backoff before attempt n + 1 is retryBaseMs × 2^(n − 1). */
  readonly retryBaseMs: number;
  readonly parallelRequests: number;
}

export const DEFAULT_LIMITS: ProtocolLimits = {
  // 6 MB less room for the framing.
  maxPayloadBytes: 5_000_000,
  // Large enough to amortise the round trip, small enough to stream.
  maxRowsPerRequest: 10_000,
  attempts: 3,
  retryBaseMs: 100,
  parallelRequests: 2,
};

export function inferenceProtocolModel(
  description: string,
  context: ModelContext,
  transport: Transport,
  limits: ProtocolLimits = DEFAULT_LIMITS,
): ScoringModel {
  const predictor: PredictorConfig = context.predictor ?? { contentType: "text/csv", acceptType: "text/csv" };
  const F = context.codec.names.length;
  const encodeRow = rowEncoder(predictor, context);
  const decode = predictor.acceptType === "text/csv" ? csvScores(predictor) : jsonScores(predictor);

  const send = async (lines: readonly string[]): Promise<number[][]> => {
    const body = lines.join("\n");
    let lastError = "";
    for (let attempt = 1; attempt <= limits.attempts; attempt++) {
      if (attempt > 1) await delay(limits.retryBaseMs * 2 ** (attempt - 2));
      const delivery = await transport(body, lines.length);
      if ("retry" in delivery) {
        lastError = delivery.retry;
        continue;
      }
      if ("split" in delivery) {
        if (lines.length === 1)
          throw new ModelError(`${description}: one row is too much: ${delivery.split}`);
        const half = Math.ceil(lines.length / 2);
        return [...(await send(lines.slice(0, half))), ...(await send(lines.slice(half)))];
      }
      const answers = delivery.answer.split(/\r?\n/).filter((line) => line.trim() !== "");
      if (answers.length !== lines.length) {
        throw new ModelError(
          `${description} answered ${answers.length} lines for ${lines.length} rows; it must answer one line per row`,
        );
      }
      return answers.map((line, i) => decode(line, i));
    }
    throw new ModelError(`${description} failed ${limits.attempts} times: ${lastError}`);
  };

  return {
    description,
    async predict(rows: Float64Array, count: number): Promise<ModelScores> {
      const requests: string[][] = [];
      let lines: string[] = [];
      let bytes = 0;
      for (let r = 0; r < count; r++) {
        const line = encodeRow(rows.subarray(r * F, r * F + F));
        const size = Buffer.byteLength(line) + 1;
        if (
          lines.length > 0 &&
          (bytes + size > limits.maxPayloadBytes || lines.length >= limits.maxRowsPerRequest)
        ) {
          requests.push(lines);
          lines = [];
          bytes = 0;
        }
        lines.push(line);
        bytes += size;
      }
      if (lines.length > 0) requests.push(lines);
      const answers: number[][][] = new Array(requests.length);
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const i = next++;
          const request = requests[i] as string[];
          answers[i] = await send(request);
          context.scored?.(request.length);
        }
      };
      await Promise.all(Array.from({ length: Math.min(limits.parallelRequests, requests.length) }, worker));
      const outputs = answers[0]?.[0]?.length ?? 0;
      const values = new Float64Array(count * outputs);
      let at = 0;
      for (const answer of answers) {
        for (const scores of answer) {
          if (scores.length !== outputs) {
            throw new ModelError(
              `${description} answered ${scores.length} scores for one row and ${outputs} for another`,
            );
          }
          values.set(scores, at);
          at += outputs;
        }
      }
      return { values, outputs };
    },
    async close() {},
  };
}

/** One dataset row as the request line the predictor's content type asks for. */
function rowEncoder(predictor: PredictorConfig, context: ModelContext): (row: Float64Array) => string {
  const { names, categories } = context.codec;
  const template = predictor.contentTemplate ?? "$features";
  const cell = (value: number, f: number): string | number => categories[f]?.[value] ?? value;
  if (predictor.contentType === "text/csv") {
    return (row) => Array.from(row, (v, f) => csvCell(cell(v, f))).join(",");
  }
  return (row) => {
    const values = Array.from(row, (v, f) => cell(v, f));
    const kvp = Object.fromEntries(names.map((name, f) => [name, values[f]]));
    return template
      .replace("$features_kvp", JSON.stringify(kvp))
      .replace("$features", JSON.stringify(values));
  };
}

function csvScores(predictor: PredictorConfig): (line: string, row: number) => number[] {
  const index = predictor.probability ?? predictor.label;
  if (typeof index === "string") {
    throw new ModelError(
      `$.predictor.${predictor.probability !== undefined ? "probability" : "label"}: "${index}" must be a column index for text/csv answers`,
    );
  }
  return (line, row) => {
    const cells = line.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
    const picked = index === undefined ? cells : [cells[index]];
    return picked.map((text) => {
      const value = Number(text);
      if (text === undefined || text === "" || Number.isNaN(value)) {
        throw new ModelError(
          `answer line ${row + 1} "${firstLine(line)}": ${index === undefined ? "every value" : `column ${index}`} must be a number`,
        );
      }
      return value;
    });
  };
}

function jsonScores(predictor: PredictorConfig): (line: string, row: number) => number[] {
  const key = predictor.probability ?? predictor.label;
  return (line, row) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ModelError(`answer line ${row + 1} is not JSON: ${firstLine(line)}`);
    }
    if (key !== undefined) {
      for (const part of String(key).split(".")) {
        value =
          typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
      }
    }
    const scores = Array.isArray(value) ? value : [value];
    if (!scores.every((s) => typeof s === "number")) {
      throw new ModelError(
        `answer line ${row + 1} ${firstLine(line)}: ${key === undefined ? "must be a number or a list of numbers (or set predictor.probability)" : `"${key}" must hold a number or a list of numbers`}`,
      );
    }
    return scores as number[];
  };
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The first line of a model's message, cut at 200 characters. */
export function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
