/**
 * A small processing container for the emulator's multi-host tests, run as a child process:
 * `node fake-host-container.ts <processing dir> <message file> <resourceconfig.json>`.
 *
 * It prints its pid, then writes `output/<host>.json` (its resourceconfig.json and the files of
 * each input folder it received) and `output/shared.json` (`{ host }`, the same key on every
 * host). The job's Environment steers it:
 * - `FAKE_FAIL_HOST=<host>`: that host writes `ClientError: <host> found a bad row` to its message
 *   file and exits 1;
 * - `FAKE_HANG=all|others`: every host (or every host but FAKE_FAIL_HOST) waits until it is stopped;
 * - `FAKE_FAIL_DELAY_MS`: the failing host waits this long first (default 0).
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";

const [processingDir = "", messagePath = "", resourceConfigPath = ""] = process.argv.slice(2);
const resourceConfig = JSON.parse(await readFile(resourceConfigPath, "utf8")) as { current_host: string };
const host = resourceConfig.current_host;
console.log(`pid ${process.pid}`);

const failHost = process.env.FAKE_FAIL_HOST;
const hang = process.env.FAKE_HANG;
if (host === failHost) {
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.FAKE_FAIL_DELAY_MS ?? 0)));
  await mkdir(join(messagePath, ".."), { recursive: true });
  await writeFile(messagePath, `ClientError: ${host} found a bad row\n`);
  process.exit(1);
}
if (hang === "all" || (hang === "others" && host !== failHost)) {
  // Ends on SIGTERM (Node's default), like a container that honours SageMaker's stop.
  setInterval(() => {}, 1000);
} else {
  const inputs: Record<string, string[]> = {};
  for (const name of await readdir(join(processingDir, "input"))) {
    const folder = join(processingDir, "input", name);
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    inputs[name] = entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
      .sort();
  }
  const output = join(processingDir, "output");
  await mkdir(output, { recursive: true });
  await writeFile(join(output, `${host}.json`), JSON.stringify({ resourceConfig, inputs }));
  await writeFile(join(output, "shared.json"), JSON.stringify({ host }));
}
