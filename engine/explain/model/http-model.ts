import { setTimeout as delay } from "node:timers/promises";
import type { PredictorConfig } from "../../config/explain-config.ts";
import type { ModelContext } from "./open-model.ts";
import { ModelError, type ModelScores, type ScoringModel } from "./scoring-model.ts";

/** SageMaker's InvokeEndpoint payload limit is 6 MB; stay under it with room for the framing. */
const MAX_PAYLOAD_BYTES = 5_000_000;
/** Rows per request: large enough to amortise the round trip, small enough to stream. */
const MAX_ROWS_PER_REQUEST = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;
const ATTEMPTS = 3;
const PARALLEL_REQUESTS = 2;
/** Backoff before the second and third attempts: 100 ms, then 200 ms. */
const RETRY_BASE_MS = 100;

/**
 * A model behind any HTTP server that speaks SageMaker's inference protocol: rows are POSTed
 * to `<url>/invocations` as CSV lines or JSON Lines (`predictor.content_type`, JSON Lines
 * records built from `content_template`), and each answer line gives one row's scores
 * (`predictor.accept_type`), picked by `predictor.probability`, else `predictor.label`, else
 * every value of the line. Requests stay under the 6 MB payload limit; a failed request is
 * retried twice (server errors, timeouts), a 4xx answer fails at once.
 */
export function httpModel(url: string, context: ModelContext): ScoringModel {
  const endpoint = `${url.replace(/\/+$/, "").replace(/\/invocations$/, "")}/invocations`;
  const predictor: PredictorConfig = context.predictor ?? { contentType: "text/csv", acceptType: "text/csv" };
  const { names, categories } = context.codec;
  const F = names.length;
  const template = predictor.contentTemplate ?? "$features";
  const cell = (value: number, f: number): string | number => categories[f]?.[value] ?? value;
  const encodeRow =
    predictor.contentType === "text/csv"
      ? (row: Float64Array) => Array.from(row, (v, f) => csvCell(cell(v, f))).join(",")
      : (row: Float64Array) => {
          const values = Array.from(row, (v, f) => cell(v, f));
          const kvp = Object.fromEntries(names.map((name, f) => [name, values[f]]));
          return template
            .replace("$features_kvp", JSON.stringify(kvp))
            .replace("$features", JSON.stringify(values));
        };
  const decode = predictor.acceptType === "text/csv" ? csvScores(predictor) : jsonScores(predictor);

  const send = async (body: string, count: number): Promise<number[][]> => {
    let lastError = "";
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (attempt > 1) await delay(RETRY_BASE_MS * 2 ** (attempt - 2));
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: "POST",
          headers: { "content-type": predictor.contentType, accept: predictor.acceptType },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        lastError =
          (error as Error).name === "TimeoutError"
            ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
            : causeOf(error);
        continue;
      }
      const text = await response.text();
      if (response.status >= 500) {
        lastError = `HTTP ${response.status}: ${firstLine(text)}`;
        continue;
      }
      if (!response.ok)
        throw new ModelError(
          `${endpoint} refused ${count} rows: HTTP ${response.status}: ${firstLine(text)}`,
        );
      const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
      if (lines.length !== count) {
        throw new ModelError(
          `${endpoint} answered ${lines.length} lines for ${count} rows; it must answer one line per row`,
        );
      }
      return lines.map((line, i) => decode(line, i));
    }
    throw new ModelError(`${endpoint} failed ${ATTEMPTS} times: ${lastError}`);
  };

  return {
    description: endpoint,
    async predict(rows: Float64Array, count: number): Promise<ModelScores> {
      const requests: { body: string; start: number; count: number }[] = [];
      let lines: string[] = [];
      let bytes = 0;
      let start = 0;
      for (let r = 0; r < count; r++) {
        const line = encodeRow(rows.subarray(r * F, r * F + F));
        if (
          lines.length > 0 &&
          (bytes + line.length + 1 > MAX_PAYLOAD_BYTES || lines.length >= MAX_ROWS_PER_REQUEST)
        ) {
          requests.push({ body: lines.join("\n"), start, count: lines.length });
          start = r;
          lines = [];
          bytes = 0;
        }
        lines.push(line);
        bytes += line.length + 1;
      }
      if (lines.length > 0) requests.push({ body: lines.join("\n"), start, count: lines.length });
      const answers: number[][][] = new Array(requests.length);
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const i = next++;
          const request = requests[i] as (typeof requests)[number];
          answers[i] = await send(request.body, request.count);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_REQUESTS, requests.length) }, worker));
      const outputs = answers[0]?.[0]?.length ?? 0;
      const values = new Float64Array(count * outputs);
      let at = 0;
      for (const answer of answers) {
        for (const scores of answer) {
          if (scores.length !== outputs) {
            throw new ModelError(
              `${endpoint} answered ${scores.length} scores for one row and ${outputs} for another`,
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

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
