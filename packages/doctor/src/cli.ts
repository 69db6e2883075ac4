#!/usr/bin/env node
/** The `cors-doctor` bin: runs the command line and sets the exit code (see command.ts). */
import { main } from './command.js';

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cors-doctor: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
