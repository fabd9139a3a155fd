/**
 * A tiny model server speaking SageMaker's inference protocol (GET /ping, POST /invocations)
 * around an ONNX model, for trying `--model-endpoint` and for the project's tests.
 * Requests are CSV lines or JSON Lines (`{"features": [...]}` or a bare list per line);
 * answers follow the Accept header: CSV lines of scores, or JSON Lines `{"score": s}` for one
 * score and `{"scores": [...]}` for several.
 *
 *   node examples/models/model-server.ts examples/credit/model.onnx 8080
 */
import { createServer, type Server } from "node:http";
import { loadOnnxModel } from "../../engine/explain/model/onnx-model.ts";

export interface ModelServer {
  readonly url: string;
  /** Requests served to /invocations so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

export interface ModelServerOptions {
  readonly modelPath: string;
  readonly featureCount: number;
  readonly port?: number;
  /** Answer this many first /invocations requests with HTTP 503 (a model that is still warming up). */
  readonly failFirst?: number;
}

export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const model = await loadOnnxModel(options.modelPath, { featureCount: options.featureCount });
  const F = options.featureCount;
  let served = 0;
  let failures = options.failFirst ?? 0;
  const server: Server = createServer((request, response) => {
    if (request.method === "GET" && request.url === "/ping") {
      response.writeHead(200).end();
      return;
    }
    if (request.method !== "POST" || request.url !== "/invocations") {
      response.writeHead(404).end("not found");
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      served++;
      if (failures > 0) {
        failures--;
        response.writeHead(503, { "content-type": "text/plain" }).end("model is loading");
        return;
      }
      try {
        const lines = Buffer.concat(chunks)
          .toString("utf8")
          .split(/\r?\n/)
          .filter((l) => l.trim() !== "");
        const jsonLines = (request.headers["content-type"] ?? "").includes("jsonlines");
        const rows = new Float64Array(lines.length * F);
        lines.forEach((line, r) => {
          const parsed: unknown = jsonLines ? JSON.parse(line) : line.split(",").map(Number);
          const values = Array.isArray(parsed) ? parsed : (parsed as { features: unknown[] }).features;
          if (
            !Array.isArray(values) ||
            values.length !== F ||
            values.some((v) => typeof v !== "number" || Number.isNaN(v))
          ) {
            throw new Error(`line ${r + 1}: expected ${F} numbers`);
          }
          rows.set(values as number[], r * F);
        });
        const { values, outputs } = await model.predict(rows, lines.length);
        const answer: string[] = [];
        for (let r = 0; r < lines.length; r++) {
          const scores = Array.from(values.subarray(r * outputs, (r + 1) * outputs));
          if ((request.headers.accept ?? "").includes("jsonlines")) {
            answer.push(JSON.stringify(outputs === 1 ? { score: scores[0] } : { scores }));
          } else {
            answer.push(scores.join(","));
          }
        }
        response
          .writeHead(200, { "content-type": request.headers.accept ?? "text/csv" })
          .end(`${answer.join("\n")}\n`);
      } catch (error) {
        response.writeHead(400, { "content-type": "text/plain" }).end((error as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => served,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await model.close();
    },
  };
}

if (import.meta.main) {
  const [modelPath, port] = process.argv.slice(2);
  if (!modelPath) {
    process.stderr.write("usage: node examples/models/model-server.ts MODEL.onnx [PORT]\n");
    process.exit(1);
  }
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(modelPath);
  const input = session.inputMetadata[0];
  const width = input?.isTensor ? input.shape[1] : undefined;
  await session.release();
  if (typeof width !== "number") {
    process.stderr.write(`${modelPath}: the input's feature count is not fixed\n`);
    process.exit(1);
  }
  const server = await startModelServer({ modelPath, featureCount: width, port: Number(port ?? 8080) });
  process.stderr.write(`serving ${modelPath} at ${server.url}/invocations\n`);
}
