// Figure (c): start-up and size. Fresh `node` processes (./startup-child.js), one contender each,
// in rounds: each round runs every contender once, in an order that rotates, so that a slow
// moment of the machine hits all of them alike and round i of ours can be paired with round i of
// a peer. One unmeasured round first, so that every file is in the OS cache.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { measureSize } from './bundle-size.js';
import { summarize } from './stats.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./startup-child.js', import.meta.url));
const BENCH = fileURLToPath(new URL('..', import.meta.url));

export const STARTUP_CONTENDERS = ['ours', 'cors', '@fastify/cors', '@koa/cors', 'hono/cors'];
export const SIZE_PEERS = ['cors', '@fastify/cors', '@koa/cors', 'hono/cors'];

async function child(id) {
  const { stdout } = await run(process.execPath, [CHILD, id], { cwd: BENCH });
  return JSON.parse(stdout);
}

/** Per step ('import', 'configure', …) of one contender's samples: the CPU and wall ms. */
function summarizeSteps(samples) {
  return Object.fromEntries(
    Object.keys(samples[0]).map((step) => [
      step,
      {
        cpu: summarize(samples.map((s) => s[step].cpu)),
        wall: summarize(samples.map((s) => s[step].wall)),
      },
    ]),
  );
}

/**
 * `processes` rounds of `ids`. Per id: its steps' summaries, or { error } when its process
 * failed (it is then left out of the rounds, so the others stay paired).
 */
async function rounds(ids, processes, log) {
  const failed = {};
  const fail = (id, error) => {
    // Node ends a crash's stderr with its version: the error is the line that names one.
    const lines = String(error.stderr || error.message)
      .trim()
      .split('\n');
    failed[id] = { error: lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.at(-1) };
  };
  for (const id of ids) await child(id).catch((error) => fail(id, error)); // OS cache
  const running = ids.filter((id) => !failed[id]);
  const samples = Object.fromEntries(running.map((id) => [id, []]));
  for (let round = 0; round < processes; round++) {
    if (round % 10 === 0) log(`startup     round ${round + 1} of ${processes}`);
    for (let i = 0; i < running.length; i++) {
      const id = running[(i + round) % running.length];
      if (failed[id]) continue;
      await child(id).then(
        (sample) => samples[id].push(sample),
        (error) => fail(id, error),
      );
    }
  }
  return Object.fromEntries(ids.map((id) => [id, failed[id] ?? summarizeSteps(samples[id])]));
}

/** measureSize, or { error } when the bundle cannot be made. */
async function sizeOf(specifier, options) {
  try {
    return await measureSize(specifier, options);
  } catch (error) {
    return { error: error.message };
  }
}

export async function startupFigure(settings, log) {
  const { processes, largePolicyProcesses } = settings.startup;
  log(`startup     import and configure, five origins: ${processes} processes each`);
  const fiveOrigins = await rounds(STARTUP_CONTENDERS, processes, log);
  log(`startup     compile 100,000 origins: ${largePolicyProcesses} processes`);
  const largePolicy = (await rounds(['ours-100000'], largePolicyProcesses, log))['ours-100000'];
  log('startup     bundle sizes');
  const size = { ours: await sizeOf('@cors/core', { table: true }), peers: {} };
  for (const peer of SIZE_PEERS) size.peers[peer] = await sizeOf(peer);
  return { processes, largePolicyProcesses, fiveOrigins, largePolicy, size };
}
