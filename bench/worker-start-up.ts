import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { median } from "./median.ts";

/**
 * A worker thread's CPU milliseconds until `script` (a file path; none: an empty script) has
 * loaded in it, median of `workers` workers started one after another: what a worker pays for
 * its script before it does any work (bench:scale for the count workers, bench:explain for the
 * explanation workers).
 */
export async function scriptLoadMs(script?: string, workers = 7): Promise<number> {
  const load =
    script === undefined ? "Promise.resolve()" : `import(${JSON.stringify(pathToFileURL(script).href)})`;
  const code = `${load}.then(() => { const cpu = process.threadCpuUsage(); require("node:worker_threads").parentPort.postMessage((cpu.user + cpu.system) / 1000); });`;
  const times: number[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = new Worker(code, { eval: true });
    times.push(
      await new Promise<number>((resolve, reject) => worker.once("message", resolve).once("error", reject)),
    );
    await worker.terminate();
  }
  return median(times);
}
