/**
 * Starts moto's standalone server (`moto_server`, Python) on a free loopback port for
 * tests that need the real S3 and SageMaker wire protocols, and stops it afterwards.
 *
 * moto is a test dependency outside npm. Where it is missing the suite fails loudly,
 * unless CLARIFY_SKIP_MOTO=1 says that skipping is intended; then `motoSkipReason` is set
 * and the suites using moto are skipped with that reason printed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Environment variable that opts out of the moto-backed tests where moto is not installed. */
export const SKIP_MOTO_ENV = "CLARIFY_SKIP_MOTO";

const EXECUTABLE = "moto_server";
const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 3_000;
/** werkzeug's banner names the port it bound, which is how port 0 becomes a known port. */
const LISTENING = /Running on http:\/\/127\.0\.0\.1:(\d+)/;

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the endpoint every AWS SDK client of the test uses. */
  readonly endpoint: string;
  /** Process id of the server, which leads its own process group. */
  readonly pid: number;
  /** Stops the server and its process group; safe to call twice. */
  stop(): Promise<void>;
}

/** The full path of moto_server on PATH, or undefined. */
export function findMotoServer(path: string = process.env.PATH ?? ""): string | undefined {
  for (const directory of path.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, EXECUTABLE);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

const NOT_INSTALLED =
  `${EXECUTABLE} is not on PATH: the integration tests run the Lambda handlers against moto's S3 and ` +
  `SageMaker. Install it with \`pip install "moto[server]"\`, or set ${SKIP_MOTO_ENV}=1 to skip them knowingly.`;

/**
 * Why the moto-backed suites are skipped, or undefined when they run. Computed once when
 * this module loads, and printed, so a skipped run never looks like a passing one.
 */
export const motoSkipReason: string | undefined = (() => {
  if (findMotoServer()) return undefined;
  if (process.env[SKIP_MOTO_ENV] !== "1") return undefined;
  const reason = `SKIPPED: ${NOT_INSTALLED.split(":")[0]} and ${SKIP_MOTO_ENV}=1; the moto integration tests did not run`;
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
})();

/** Starts moto on 127.0.0.1 at a port the OS picks; rejects with moto's output when it cannot start. */
export async function startMotoServer(): Promise<MotoServer> {
  const executable = findMotoServer();
  if (!executable) throw new Error(`*** ${NOT_INSTALLED} ***`);
  // detached: the server gets its own process group, so stop() also ends any child it forks.
  const child = spawn(executable, ["-H", "127.0.0.1", "-p", "0"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const port = await listeningPort(child, output);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, child, output);
  // A worker that exits without running afterAll must not leave a detached server behind.
  const killOnExit = () => signalGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    pid: child.pid as number,
    stop: () => {
      process.removeListener("exit", killOnExit);
      stopped ??= stopProcessGroup(child);
      return stopped;
    },
  };
}

function listeningPort(child: ChildProcess, output: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopProcessGroup(child);
      reject(startFailure(`did not report a port within ${STARTUP_TIMEOUT_MS} ms`, output));
    }, STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      // Keep a bounded tail of moto's output for error messages; the access log grows with every request.
      output.push(chunk.toString());
      if (output.length > 50) output.shift();
      const match = LISTENING.exec(output.join(""));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(startFailure(`could not be spawned (${error.message})`, output));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(startFailure(`exited during startup (code ${code}, signal ${signal})`, output));
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = performance.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Bound but not serving yet.
    }
    if (performance.now() > deadline || child.exitCode !== null) {
      await stopProcessGroup(child);
      throw startFailure(`did not answer at ${endpoint} within ${STARTUP_TIMEOUT_MS} ms`, output);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function startFailure(what: string, output: readonly string[]): Error {
  return new Error(`*** ${EXECUTABLE} ${what} ***\n${output.join("").trim() || "(no output)"}`);
}

/** SIGTERM to the whole group, SIGKILL if it lingers; resolves once the server has exited. */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Signals the child's process group (a negative pid addresses the group). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}
