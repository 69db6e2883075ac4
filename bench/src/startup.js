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

/** `processes` rounds of `ids`; per id, per step ('import', 'configure', …), the CPU and wall ms. */
async function rounds(ids, processes, log) {
  for (const id of ids) await child(id); // OS cache
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  for (let round = 0; round < processes; round++) {
    if (round % 10 === 0) log(`startup     round ${round + 1} of ${processes}`);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[(i + round) % ids.length];
      samples[id].push(await child(id));
    }
  }
  const steps = (list) => Object.keys(list[0]);
  return Object.fromEntries(
    ids.map((id) => [
      id,
      Object.fromEntries(
        steps(samples[id]).map((step) => [
          step,
          {
            cpu: summarize(samples[id].map((s) => s[step].cpu)),
            wall: summarize(samples[id].map((s) => s[step].wall)),
          },
        ]),
      ),
    ]),
  );
}

export async function startupFigure(settings, log) {
  const { processes, largePolicyProcesses } = settings.startup;
  log(`startup     import and configure, five origins: ${processes} processes each`);
  const fiveOrigins = await rounds(STARTUP_CONTENDERS, processes, log);
  log(`startup     compile 100,000 origins: ${largePolicyProcesses} processes`);
  const largePolicy = (await rounds(['ours-100000'], largePolicyProcesses, log))['ours-100000'];
  log('startup     bundle sizes');
  const size = { ours: await measureSize('@cors/core', { table: true }), peers: {} };
  for (const peer of SIZE_PEERS) {
    try {
      size.peers[peer] = await measureSize(peer);
    } catch (error) {
      size.peers[peer] = { error: error.message };
    }
  }
  return { processes, largePolicyProcesses, fiveOrigins, largePolicy, size };
}
