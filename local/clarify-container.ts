/**
 * The processing job's image, locally: the engine's container entrypoint (container/entrypoint.ts,
 * what the image's bundle runs) as a child process on the job's `/opt/ml` tree, so every local job
 * exercises the container's real contract: files in and out, exit code, the message file.
 *
 * The child gets the job's environment only (not the user's credentials), in its own process
 * group so a terminal's Ctrl-C reaches the runner, which stops the job as SageMaker does:
 * SIGTERM, then SIGKILL after the grace period.
 *
 * A job of several instances runs one child per host. With the builtin engine's image each reads
 * its host's resourceconfig.json (`--resource-config`): on several hosts it counts its shard and
 * writes its partial counts, which CollectResults merges. The Clarify image spreads one analysis over a Spark cluster instead; its
 * stand-in runs that analysis on the first host, over the whole (replicated) dataset, and the
 * other hosts, Spark workers whose share the first host computes here, end at once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CLARIFY_IMAGE_PATTERN } from "../lambdas/shared/clarify-image.ts";
import type { ContainerRun, ProcessingContainer } from "./processing-emulator.ts";

export { INTERVAL_ENVIRONMENT, intervalsFromEnvironment } from "../engine/processing/interval-environment.ts";
export { CLARIFY_PATHS } from "../engine/processing/processing-layout.ts";

/** The file the image's bundle is built from. */
export const CONTAINER_ENTRYPOINT = fileURLToPath(new URL("../container/entrypoint.ts", import.meta.url));

/** The container exited non-zero or was killed; the emulator prefers the message file's line. */
export class ContainerExitError extends Error {
  override readonly name = "ContainerExitError" as const;
}

/** Children still running, killed if this process exits first (they never outlive a local run). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** The engine's image: `clarify-pipeline process` on the host's tree, run by this Node. */
export const clarifyEngineContainer: ProcessingContainer = (run) => {
  const several = run.hosts.length > 1;
  if (several && isClarifyImage(run) && run.host !== run.hosts[0]) return Promise.resolve();
  return runChild(
    [
      process.execPath,
      CONTAINER_ENTRYPOINT,
      "process",
      "--processing-dir",
      run.processingDir,
      "--message-file",
      run.messagePath,
      // SageMaker writes resourceconfig.json on every job; the builtin image reads it.
      ...(isClarifyImage(run) ? [] : ["--resource-config", run.resourceConfigPath]),
    ],
    run,
  );
};

function isClarifyImage(run: ContainerRun): boolean {
  const image = (run.request.AppSpecification as { ImageUri?: unknown } | undefined)?.ImageUri;
  return typeof image === "string" && CLARIFY_IMAGE_PATTERN.test(image);
}

/**
 * A container that is a child process: exit code 0 completes the job; any other exit fails it;
 * stopping the job sends SIGTERM, then SIGKILL after the grace period.
 */
export function processContainer(commandOf: (run: ContainerRun) => readonly string[]): ProcessingContainer {
  return (run) => runChild(commandOf(run), run);
}

function runChild(command: readonly string[], run: ContainerRun): Promise<void> {
  installExitHook();
  const [file = "", ...args] = command;
  const child = spawn(file, args, {
    env: { PATH: process.env.PATH ?? "", ...run.environment },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  const lastLines: string[] = [];
  const onLine = (line: string) => {
    run.log(line);
    lastLines.push(line);
    if (lastLines.length > 5) lastLines.shift();
  };
  forwardLines(child.stdout, onLine);
  forwardLines(child.stderr, onLine);

  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), run.stopGraceMs);
  };
  if (run.signal.aborted) onAbort();
  else run.signal.addEventListener("abort", onAbort, { once: true });

  return new Promise<void>((resolve, reject) => {
    child.once("error", (error) => {
      running.delete(child);
      reject(new ContainerExitError(`the container could not start: ${error.message}`));
    });
    child.once("close", (code, signal) => {
      running.delete(child);
      clearTimeout(killTimer);
      run.signal.removeEventListener("abort", onAbort);
      if (run.signal.aborted) return reject(run.signal.reason);
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const said = lastLines.length > 0 ? `: ${lastLines.join(" | ")}` : "";
      reject(new ContainerExitError(`the container ${how}${said}`));
    });
  });
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") onLine(line);
  });
  stream.on("end", () => {
    if (pending.trim() !== "") onLine(pending);
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}
