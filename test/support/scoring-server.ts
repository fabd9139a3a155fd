/**
 * A model behind HTTP on 127.0.0.1, speaking SageMaker's inference protocol in CSV: each line
 * of the request is a row's features, each line of the answer its score. Started and stopped
 * by the test that uses it.
 */
import { createServer, type Server } from "node:http";

export interface ScoringServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The request bodies received, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/** Serves `score(cells)` for every request line (cells: the line cut at commas). */
export async function startScoringServer(
  score: (cells: readonly string[]) => number,
): Promise<ScoringServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      requests.push(body);
      const scores = body
        .trimEnd()
        .split("\n")
        .map((line) => score(line.split(",")));
      response.writeHead(200, { "content-type": "text/csv" }).end(scores.join("\n"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
