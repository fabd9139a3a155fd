#!/usr/bin/env node
/**
 * The engine's container entrypoint: `clarify-pipeline process` and nothing else. The image runs
 * its esbuild bundle (container/build-bundle.ts); the local processing emulator runs this file
 * as a child process for every local job, so both exercise the same contract.
 */
import { isMainThread } from "node:worker_threads";
import { makeContainerProgram } from "../bin/cli/container-program.ts";
import { PROCESS_IO, runProgram } from "../bin/cli/run-program.ts";

// The bundle is also the script of the engine's count and explanation worker threads when their
// own bundle beside it is missing or stale (engine/parallel/worker-bundle.ts): in a worker only
// its job runs, not the command line.
if (isMainThread)
  process.exitCode = await runProgram(process.argv.slice(2), PROCESS_IO, makeContainerProgram);
