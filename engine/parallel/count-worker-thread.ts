/**
 * The count worker threads, one implementation for both users: parallel-counts.ts gives each
 * worker one run of a dataset's rows, count-files.ts gives a worker file after file. A worker
 * counts each job it is sent (count-worker.ts `serveCountJob`) and posts its tables with each
 * facet's cells as a transferred typed array, not cloned into the message: a facet of many values
 * has hundreds of thousands of cells, which would count twice in the process's peak memory.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { CountJob } from "./count-job.ts";
import { type CountReply, type PostedCountReply, receivedCountReply, serveCountJob } from "./count-worker.ts";
import { countWorkerScript } from "./count-worker-script.ts";

export interface CountWorker {
  /** The job's reply; one job at a time (the next once this one has replied). */
  count(job: CountJob): Promise<CountReply>;
  /** Stops the worker, whether it counted or waited; its exit is then no failure. */
  stop(): Promise<void>;
}

const WORKER_MARK = "clarify-count-worker";

let workerScript: URL | undefined;
/** The workers' script, looked up once (count-worker-script.ts). */
const script = () => {
  workerScript ??= countWorkerScript(import.meta.url);
  return workerScript;
};

/**
 * A worker thread that counts each job it is sent until it is stopped. Started before it has a
 * job, so that its start-up (loading the count path's modules) overlaps the caller's work.
 */
export function startCountWorker(): CountWorker {
  const worker = new Worker(script(), {
    workerData: { kind: WORKER_MARK },
    // The count loop allocates little: a small young generation keeps each worker's heap (and
    // the process's peak memory, bench:scale) small; the default one costs ~20 MB more at 5 M rows.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  let pending: { resolve: (reply: CountReply) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  let stopped = false;
  worker.on("message", (message: PostedCountReply) => {
    const waiting = pending;
    pending = undefined;
    waiting?.resolve(receivedCountReply(message));
  });
  const fail = (error: Error) => {
    failure ??= error;
    const waiting = pending;
    pending = undefined;
    waiting?.reject(error);
  };
  worker.on("error", fail);
  worker.on("exit", (code) => {
    if (!stopped) fail(new Error(`a count worker exited with code ${code} before replying`));
  });
  return {
    count: (job) => {
      const reply = new Promise<CountReply>((resolve, reject) => {
        if (failure) return reject(failure);
        if (pending) return reject(new Error("a count worker was sent a job before it replied to the last"));
        pending = { resolve, reject };
        worker.postMessage(job);
      });
      // A job left unawaited when its caller fails elsewhere (and stops the worker) is no second failure.
      reply.catch(() => {});
      return reply;
    },
    stop: async () => {
      stopped = true;
      const waiting = pending;
      pending = undefined;
      waiting?.reject(new Error("a count worker was stopped before replying"));
      await worker.terminate();
    },
  };
}

// This module is also the workers' script (the entry of their own bundle, and held by the
// engine's bundle too): a thread started with the mark counts each job it is sent and posts its reply.
if (!isMainThread && (workerData as { kind?: string } | undefined)?.kind === WORKER_MARK) {
  parentPort?.on("message", (job: CountJob) => void serveCountJob(job));
}
