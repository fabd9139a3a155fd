import { firstLine, inferenceProtocolModel } from "./inference-protocol.ts";
import type { ModelContext } from "./open-model.ts";
import { ModelError, type ScoringModel } from "./scoring-model.ts";

const REQUEST_TIMEOUT_MS = 60_000;

/**
 * A model behind any HTTP server that speaks SageMaker's inference protocol: rows are POSTed
 * to `<url>/invocations` (the encoding, batching and score picking are the protocol's:
 * inference-protocol.ts). A server error or a timeout is retried twice; a 4xx answer fails at once.
 */
export function httpModel(url: string, context: ModelContext): ScoringModel {
  const endpoint = `${url.replace(/\/+$/, "").replace(/\/invocations$/, "")}/invocations`;
  const contentType = context.predictor?.contentType ?? "text/csv";
  const acceptType = context.predictor?.acceptType ?? "text/csv";
  return inferenceProtocolModel(endpoint, context, async (body, count) => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": contentType, accept: acceptType },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return {
        retry:
          (error as Error).name === "TimeoutError"
            ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
            : causeOf(error),
      };
    }
    const text = await response.text();
    if (response.status >= 500) return { retry: `HTTP ${response.status}: ${firstLine(text)}` };
    if (!response.ok) {
      throw new ModelError(`${endpoint} refused ${count} rows: HTTP ${response.status}: ${firstLine(text)}`);
    }
    return { answer: text };
  });
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
