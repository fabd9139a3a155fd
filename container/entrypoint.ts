#!/usr/bin/env node
import { makeContainerProgram } from "../bin/cli/container-program.ts";
/**
 * The engine's container entrypoint: `clarify-pipeline process` and nothing else. The image runs
 * its esbuild bundle (container/build-bundle.ts); the local processing emulator runs this file
 * as a child process for every local job, so both exercise the same contract.
 */
import { main } from "../bin/cli/main.ts";

process.exitCode = await main(process.argv.slice(2), undefined, makeContainerProgram);
