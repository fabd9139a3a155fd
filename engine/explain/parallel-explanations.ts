import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { EngineInputError, ModelError, UnsupportedAnalysisError } from "../errors.ts";
import type { SharedCounters } from "../progress/shared-counters.ts";
import { type BlockResult, type BlockRun, blockRunner } from "./explain-job.ts";
import {
  asError,
  type ErrorText,
  EXPLAIN_WORKER_MARK,
  explainWorkerUrl,
  type FromWorker,
  type ToWorker,
  type WorkerStart,
} from "./explain-worker.ts";
import { isModelSource, type ModelContext, type ModelSource } from "./model/open-model.ts";
import type { ScoringModel } from "./model/scoring-model.ts";

/**
 * Below this much work per thread (in model evaluations), explanations run on fewer threads,
 * down to one. A worker thread costs about 0.1 s of CPU to start and open its model (the
 * engine's modules, onnxruntime, an ONNX session: 0.06–0.1 s measured alone; bench:explain,
 * exact SHAP of 1,000 rows × 10 features forced onto 2 threads: 0.12 → 0.23 s of CPU), and one
 * thread scores about 10 M evaluations/s of an in-process ONNX logistic regression: a second
 * thread gains once the work is more than twice its start-up, about 2 M evaluations, 1 M per
 * thread; the threshold keeps a margin of 2 over that. A slower model (an endpoint, a larger
 * network) pays for a thread sooner, so a threshold measured with the fastest is safe.
 */
export const MIN_EVALUATIONS_PER_THREAD = 1 << 21;

/** Blocks sent ahead to a worker, so it never waits for this thread to hand it the next one. */
const BLOCKS_AHEAD = 2;

export interface ExplainThreadOptions {
  /** Threads at most, this one included (default: `os.availableParallelism()`, as the count pass). */
  readonly threads?: number;
  /** Model evaluations each thread gets at least (default {@link MIN_EVALUATIONS_PER_THREAD}); tests lower it. */
  readonly minEvaluationsPerThread?: number;
  /** Model evaluations per model call, a block (default: SHAP 2^18, PDP 2^17); tests lower it to make many blocks. */
  readonly evaluationsPerCall?: number;
}

/** How many threads explain a job of about `evaluations` model evaluations (1: this one alone). */
export function explainThreadCount(evaluations: number, options: ExplainThreadOptions): number {
  // The count pass's default (parallel-counts.ts), not imported from there: the explanations need
  // none of the count pass's modules.
  const threads = options.threads ?? availableParallelism();
  const least = options.minEvaluationsPerThread ?? MIN_EVALUATIONS_PER_THREAD;
  const byWork = least <= 0 ? threads : Math.floor(evaluations / least);
  return Math.max(1, Math.min(threads, byWork));
}

/**
 * The model as a worker thread opens it for itself, or undefined when it stays on this thread.
 * - An ONNX file: each worker runs its own onnxruntime session on its own core. The model is
 *   CPU work in this process, so this is where threads pay most.
 * - An HTTP endpoint: each worker sends its own requests. Building the synthetic rows, encoding
 *   them, reading the answers and (sampled SHAP) drawing coalitions and solving take CPU here
 *   too, and a server speaking SageMaker's protocol serves concurrent requests: two per thread,
 *   as on one thread, on at most {@link ENDPOINT_THREADS} threads (see there).
 * - A SageMaker endpoint: the same, each worker with its own SageMaker Runtime client made from
 *   the job's environment (region, credentials). Clarify's Spark workers call the endpoint
 *   concurrently too; throttling is retried with backoff on every thread. A client object the
 *   caller made (`runtime`) cannot be sent to another thread: such a model stays on this one.
 * - A {@link ScoringModel} object: it cannot be sent to another thread either.
 */
export function workerModelSource(model: ModelSource | ScoringModel): ModelSource | undefined {
  if (!isModelSource(model)) return undefined;
  if ("sagemakerEndpoint" in model) {
    return model.runtime === undefined ? { sagemakerEndpoint: model.sagemakerEndpoint } : undefined;
  }
  return model;
}

/**
 * Threads at most for a model behind an endpoint: 8 requests of up to 10,000 rows in flight. The
 * endpoint, not this machine, is then the limit, and the job does not size it: a 96-core
 * processing instance must not send 192 requests at a time to a one-instance endpoint, where
 * they would queue into InvokeEndpoint's 60 s limit and be split and sent again.
 */
export const ENDPOINT_THREADS = 4;

/** The threads a model may use at most: an in-process ONNX model, every one; an endpoint, {@link ENDPOINT_THREADS}. */
export function threadLimit(source: ModelSource): number {
  return "onnx" in source ? Number.POSITIVE_INFINITY : ENDPOINT_THREADS;
}

/** This thread and worker threads, each with its own model, running the blocks of explanation jobs. */
export interface ExplainThreads {
  /** Threads that run blocks, this one included. */
  readonly threads: number;
  readonly run: BlockRun;
  /**
   * Closes the workers' models and stops them (this thread's model is the caller's); gives each
   * worker's CPU seconds (its start-up and model opening included) when it had opened its model.
   */
  close(): Promise<number[]>;
}

/** A block a thread failed on, and how; the error of the lowest block is the run's. */
interface Failure {
  readonly block: number;
  readonly error: Error;
}

/**
 * Starts `threads − 1` worker threads, each opening `source` for itself, beside this thread's
 * `model`. A run hands out its blocks in order: the first {@link BLOCKS_AHEAD} to each worker
 * (they wait while it opens its model), then one at a time to whichever thread is free, this
 * one included; results are taken in block order. Each block makes the same model call whichever
 * thread runs it, and a sampled row's draws depend only on the seed and the row, so the
 * results are those of one thread, byte for byte. When a block fails, no further block is
 * handed out, the blocks under way finish, and the run fails with the error of the lowest
 * failing block: the error one thread, running the blocks in order, meets first.
 */
export function startExplainThreads(
  threads: number,
  source: ModelSource,
  context: ModelContext,
  rows: Float64Array,
  model: ScoringModel,
  /**
   * The workers' script: explain-worker.ts, the explanation workers' bundle beside the engine's
   * bundle, or the engine's bundle, which holds the worker's code too (explainWorkerUrl).
   */
  script: URL = explainWorkerUrl(),
  /** Counters worker i adds the rows its model scores to, in slot i + 1 (the explanations' progress). */
  scored?: SharedCounters,
): ExplainThreads {
  // The feature rows are shared with the workers, not copied into each (nor at all when they
  // are already in shared memory of their own, as a feature table's are).
  const shared =
    rows.buffer instanceof SharedArrayBuffer &&
    rows.byteOffset === 0 &&
    rows.byteLength === rows.buffer.byteLength
      ? rows.buffer
      : new SharedArrayBuffer(rows.byteLength);
  if (shared !== rows.buffer) new Float64Array(shared).set(rows);
  const workers = Array.from({ length: threads - 1 }, (_, i) =>
    startWorker(script, {
      kind: EXPLAIN_WORKER_MARK,
      source,
      context: plainContext(context),
      rows: shared,
      ...(scored && { progress: scored.slot(i + 1) }),
    }),
  );
  let jobs = 0;

  const run: BlockRun = (job, count, take) => {
    const id = ++jobs;
    for (const worker of workers) worker.post({ type: "job", id, job });
    const runHere = blockRunner(job, model, rows);
    const finished = new Map<number, BlockResult>();
    let next = 0;
    let delivered = 0;
    let underWay = 0;
    let failure: Failure | undefined;
    const fail = (block: number, error: Error) => {
      if (failure === undefined || block < failure.block) failure = { block, error };
    };

    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        if (underWay > 0) return;
        if (failure) reject(failure.error);
        else if (delivered === count) resolve();
      };
      const finish = (block: number, result: BlockResult) => {
        finished.set(block, result);
        while (failure === undefined && finished.has(delivered)) {
          const ready = finished.get(delivered) as BlockResult;
          finished.delete(delivered);
          try {
            take(delivered, ready);
          } catch (error) {
            fail(delivered, asError(error));
          }
          delivered++;
        }
      };
      const feed = (worker: ExplainWorker) => {
        while (failure === undefined && next < count && worker.canTake(BLOCKS_AHEAD)) {
          const block = next++;
          underWay++;
          worker.send(id, block);
        }
      };
      for (const worker of workers) {
        worker.listen(id, {
          done: (block, result) => {
            underWay--;
            finish(block, result);
            feed(worker);
            settle();
          },
          failed: (block, error) => {
            underWay--;
            fail(block, error);
            settle();
          },
          broken: (blocks, error) => {
            underWay -= blocks.length;
            // Its blocks will not be answered: its own error comes before any block's (−1).
            fail(-1, error);
            settle();
          },
        });
        feed(worker);
      }
      const here = async () => {
        while (failure === undefined && next < count) {
          const block = next++;
          underWay++;
          try {
            finish(block, await runHere(block));
          } catch (error) {
            fail(block, asError(error));
          }
          underWay--;
        }
        settle();
      };
      void here();
    }).finally(() => {
      for (const worker of workers) worker.listen(id, undefined);
    });
  };

  return {
    threads,
    run,
    close: async () => {
      const cpu = await Promise.all(workers.map((worker) => worker.stop()));
      return cpu.filter((seconds) => seconds !== undefined);
    },
  };
}

interface Listener {
  done(block: number, result: BlockResult): void;
  failed(block: number, error: Error): void;
  /** The worker cannot take part (its model did not open, or the thread stopped), holding these blocks. */
  broken(blocks: readonly number[], error: Error): void;
}

interface ExplainWorker {
  post(message: ToWorker): void;
  canTake(ahead: number): boolean;
  send(id: number, block: number): void;
  /** Who hears about job `id`'s blocks (undefined: nobody, the run is over). */
  listen(id: number, listener: Listener | undefined): void;
  /** Stops the thread; its CPU seconds when it had opened its model. */
  stop(): Promise<number | undefined>;
}

/** How long stopping waits for a worker to close an endpoint model before the thread is terminated. */
const CLOSE_WAIT_MS = 10_000;

function startWorker(script: URL, start: WorkerStart): ExplainWorker {
  const worker = new Worker(script, { workerData: start });
  let ready = false;
  let broken: Error | undefined;
  let stopping = false;
  const held = new Set<number>();
  let current: { id: number; listener: Listener } | undefined;
  let closed: ((cpuSeconds?: number) => void) | undefined;

  const breakDown = (error: Error) => {
    if (broken) return;
    broken = error;
    const blocks = [...held];
    held.clear();
    current?.listener.broken(blocks, error);
  };
  worker.on("message", (message: FromWorker) => {
    switch (message.type) {
      case "ready":
        ready = true;
        return;
      case "unusable":
        breakDown(revive(message));
        return;
      case "done":
        held.delete(message.block);
        if (current?.id === message.id) current.listener.done(message.block, message.result);
        return;
      case "failed":
        held.delete(message.block);
        if (current?.id === message.id) current.listener.failed(message.block, revive(message));
        return;
      case "closed":
        closed?.(message.cpuSeconds);
        return;
    }
  });
  worker.on("error", (error) =>
    breakDown(new Error(`an explanation worker thread failed: ${error.message}`)),
  );
  worker.on("exit", (code) => {
    closed?.();
    if (!stopping) breakDown(new Error(`an explanation worker thread stopped (exit code ${code})`));
  });

  return {
    post: (message) => worker.postMessage(message),
    // Blocks sent before the worker has opened its model wait in its queue: each worker gets its
    // first blocks at once, so every thread takes part however fast this one is.
    canTake: (ahead) => !broken && held.size < ahead,
    send: (id, block) => {
      held.add(block);
      worker.postMessage({ type: "block", id, block } satisfies ToWorker);
    },
    listen: (id, listener) => {
      current = listener ? { id, listener } : undefined;
      if (listener && broken) listener.broken([], broken);
    },
    stop: async () => {
      stopping = true;
      let cpuSeconds: number | undefined;
      if (!broken) {
        // Its model is closed first (an ONNX session released, connections ended), then the thread
        // stops. A worker still opening its model handles the close once it is open: terminating a
        // thread inside onnxruntime-node's session creation aborts the whole process (a fatal
        // N-API error, not an exception), so an ONNX session is always waited for (its creation
        // ends). An endpoint that keeps answering 503 is waited for CLOSE_WAIT_MS at most.
        const done = new Promise<number | undefined>((resolve) => {
          closed = resolve;
        });
        worker.postMessage({ type: "close" } satisfies ToWorker);
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<undefined>((resolve) => {
          if (!("onnx" in start.source)) timer = setTimeout(() => resolve(undefined), CLOSE_WAIT_MS);
        });
        cpuSeconds = await Promise.race([done, limit]);
        clearTimeout(timer);
      }
      await worker.terminate();
      return ready ? cpuSeconds : undefined;
    },
  };
}

/** The context as plain data (a codec may be a whole feature table: only its names and categories go). */
function plainContext(context: ModelContext): ModelContext {
  return {
    codec: { names: [...context.codec.names], categories: [...context.codec.categories] },
    ...(context.predictor && { predictor: context.predictor }),
  };
}

/** A worker's error as the class it had there, so callers tell errors apart as on one thread. */
function revive(text: ErrorText): Error {
  const kinds: Record<string, new (message: string) => Error> = {
    ModelError,
    EngineInputError,
    UnsupportedAnalysisError,
  };
  const Kind = kinds[text.name];
  if (Kind) return new Kind(text.message);
  const error = new Error(text.message);
  error.name = text.name;
  return error;
}
