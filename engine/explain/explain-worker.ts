/**
 * An explanation worker thread: it opens the model itself from where it is, then runs the blocks
 * of explanation jobs it is sent (explain-job.ts) and posts each result, its buffers transferred.
 * parallel-explanations.ts starts these threads and hands out the blocks; this module holds only
 * what a worker runs, so that the workers' own bundle (explain-worker-script.ts) is small.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { type CounterSlot, counterAdder } from "../progress/shared-counters.ts";
import { type BlockResult, blockRunner, type ExplainJob, transferList } from "./explain-job.ts";
import { explainWorkerScript } from "./explain-worker-script.ts";
import { type ModelContext, type ModelSource, openModel } from "./model/open-model.ts";
import type { ScoringModel } from "./model/scoring-model.ts";

/** Marks a thread started as an explanation worker (its `workerData.kind`). */
export const EXPLAIN_WORKER_MARK = "clarify-explain-worker";

/** What a worker thread is started with. */
export interface WorkerStart {
  readonly kind: typeof EXPLAIN_WORKER_MARK;
  readonly source: ModelSource;
  readonly context: ModelContext;
  /** The feature rows (N × F doubles). */
  readonly rows: SharedArrayBuffer;
  /** Where the worker adds the rows its model scores (the explanations' progress). */
  readonly progress?: CounterSlot;
}

export type ToWorker =
  | { readonly type: "job"; readonly id: number; readonly job: ExplainJob }
  | { readonly type: "block"; readonly id: number; readonly block: number }
  | { readonly type: "close" };

export interface ErrorText {
  readonly name: string;
  readonly message: string;
}

export type FromWorker =
  | { readonly type: "ready" }
  | ({ readonly type: "unusable" } & ErrorText)
  | { readonly type: "done"; readonly id: number; readonly block: number; readonly result: BlockResult }
  | ({ readonly type: "failed"; readonly id: number; readonly block: number } & ErrorText)
  | { readonly type: "closed"; readonly cpuSeconds: number };

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function errorText(error: unknown): ErrorText {
  const e = asError(error);
  return { name: e.name, message: e.message };
}

/** A typed array that owns its whole buffer, so that handing the buffer over hands over this array alone. */
function owned(result: BlockResult): BlockResult {
  const own = (array: Float64Array) =>
    array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : array.slice();
  return "scores" in result
    ? { ...result, scores: own(result.scores) }
    : { ...result, values: own(result.values), predictions: own(result.predictions) };
}

/** In a worker: opens the model, then runs the blocks it is sent, one after another. */
function serveExplanations(start: WorkerStart): void {
  const port = parentPort;
  if (!port) return;
  const rows = new Float64Array(start.rows);
  let model: ScoringModel | undefined;
  let job: { id: number; run: (block: number) => Promise<BlockResult> } | undefined;
  const handle = async (message: ToWorker) => {
    if (message.type === "close") {
      await model?.close().catch(() => undefined);
      const cpu = process.threadCpuUsage();
      port.postMessage({ type: "closed", cpuSeconds: (cpu.user + cpu.system) / 1e6 } satisfies FromWorker);
      return;
    }
    // A worker whose model did not open has said so; the main thread sends it no block.
    if (!model) return;
    if (message.type === "job") {
      const opened = model;
      let runner: ((block: number) => Promise<BlockResult>) | undefined;
      try {
        runner = blockRunner(message.job, opened, rows);
      } catch (error) {
        // Every block of a job that cannot be set up fails with its error.
        runner = () => Promise.reject(error);
      }
      job = { id: message.id, run: runner };
      return;
    }
    const { id, block } = message;
    try {
      if (job?.id !== id) throw new Error(`block ${block} of job ${id} came before its job`);
      const result = owned(await job.run(block));
      port.postMessage({ type: "done", id, block, result } satisfies FromWorker, transferList(result));
    } catch (error) {
      // Every block is answered, or the main thread would wait for it forever.
      port.postMessage({ type: "failed", id, block, ...errorText(error) } satisfies FromWorker);
    }
  };
  const context = start.progress ? { ...start.context, scored: counterAdder(start.progress) } : start.context;
  let queue: Promise<void> = openModel(start.source, context).then(
    (opened) => {
      model = opened;
      port.postMessage({ type: "ready" } satisfies FromWorker);
    },
    (error) => port.postMessage({ type: "unusable", ...errorText(error) } satisfies FromWorker),
  );
  port.on("message", (message: ToWorker) => {
    queue = queue.then(() => handle(message));
  });
}

let workerScript: URL | undefined;
/**
 * The workers' script, looked up once (explain-worker-script.ts): from the sources this module,
 * from the engine's bundle the explanation workers' bundle beside it, or the engine's bundle.
 */
export function explainWorkerUrl(): URL {
  workerScript ??= explainWorkerScript(import.meta.url);
  return workerScript;
}

// This module is the workers' script (the entry of their own bundle, and held by the engine's
// bundle too, through parallel-explanations.ts): a thread started with the mark opens the model
// and serves the blocks it is sent.
if (!isMainThread && (workerData as { kind?: string } | undefined)?.kind === EXPLAIN_WORKER_MARK) {
  serveExplanations(workerData as WorkerStart);
}
