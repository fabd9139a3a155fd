/**
 * The clarify-pipeline CLI as a child process (bin/clarify-pipeline.ts on this Node), so a test
 * can send it real signals and read its real exit code; with a container fault, the Clarify
 * container is swapped for test/local/faults/fixtures/faulty-container.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";

const CLI_ENTRY = new URL("../../../bin/clarify-pipeline.ts", import.meta.url).pathname;
const FAULTY_CONTAINER_HOOKS = new URL("../faults/fixtures/register-faulty-container.ts", import.meta.url)
  .pathname;

export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once stderr contains the text. */
  waitForStderr(text: string): Promise<void>;
  /** The exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Kills the CLI processes a failed test left running (call from afterEach). */
export function killRemainingClis(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/**
 * Starts the CLI; `containerFault` is `hang` or `fail:<message>`, or undefined for the real
 * container (the engine's entrypoint as a child process). `env` adds environment variables.
 */
export function spawnCli(
  args: readonly string[],
  containerFault: string | undefined,
  env: Readonly<Record<string, string>> = {},
): CliProcess {
  const hooks = containerFault === undefined ? [] : ["--import", FAULTY_CONTAINER_HOOKS];
  const child = spawn(process.execPath, [...hooks, CLI_ENTRY, ...args], {
    env: {
      ...process.env,
      ...env,
      ...(containerFault !== undefined && { CLARIFY_TEST_CONTAINER: containerFault }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("close", () => running.delete(child));
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters.filter((candidate) => stderr.includes(candidate.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  return {
    child,
    stderr: () => stderr,
    waitForStderr: (text) =>
      stderr.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ text, resolve })),
            exited.then(() => {
              throw new Error(`the CLI exited before writing "${text}"; stderr:\n${stderr}`);
            }),
          ]),
    exited,
  };
}
