import { parentPort } from "node:worker_threads";
import { collectCounts } from "../aggregate/collect-counts.ts";
import { type CountTables, toCountTables } from "../aggregate/count-tables.ts";
import { TableReader } from "../io/open-table.ts";
import { type CountJob, planOf } from "./count-job.ts";

/** The count tables of one job's rows (what a worker thread computes; callable on any thread). */
export function countJob(job: CountJob): CountTables {
  const reader = new TableReader(job.parts, job.format, job.firstFileHeaders);
  try {
    const counts = collectCounts(reader, planOf(job.plan), job.fieldCount);
    return toCountTables(counts, reader.columnDtypes());
  } finally {
    reader.close();
  }
}

/** What a worker posts back: its tables, or its error's name and message. */
export type CountReply =
  | { readonly ok: true; readonly tables: CountTables; readonly cpuSeconds: number }
  | { readonly ok: false; readonly name: string; readonly message: string };

/** Runs in a worker thread: counts the job it was started with and posts the reply. */
export function serveCountJob(job: CountJob): void {
  let reply: CountReply;
  try {
    const tables = countJob(job);
    const cpu = process.threadCpuUsage();
    reply = { ok: true, tables, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = { ok: false, name: e.name, message: e.message };
  }
  parentPort?.postMessage(reply);
}
