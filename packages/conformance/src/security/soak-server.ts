/**
 * The soak's server: one adapter's test app in its own process (run with `--expose-gc`), so that
 * its memory is measured apart from the load generator. Protocol over IPC:
 * - sends `{ type: 'ready', port }` once listening;
 * - on `{ type: 'checkpoint', label }`, collects garbage and sends `{ type: 'memory', label, … }`
 *   with `process.memoryUsage()`;
 * - on `{ type: 'close' }`, closes the app and exits.
 */
import { adapterApps } from '../apps/index.js';
import { SOAK_POLICY } from './soak-policy.js';

export interface MemoryReport {
  type: 'memory';
  label: string;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const name = process.argv[2];
const adapter = adapterApps.find((candidate) => candidate.name === name);
const gc = (globalThis as { gc?: () => void }).gc;
const send = (message: unknown) => process.send?.(message);

if (adapter === undefined || gc === undefined || process.send === undefined) {
  console.error(
    `usage: node --expose-gc soak-server.js <adapter> (with an IPC channel); adapters: ${adapterApps
      .map((a) => a.name)
      .join(', ')}`,
  );
  process.exit(2);
}

const app = await adapter.start({ policy: SOAK_POLICY });

process.on('message', async (message: { type: string; label?: string }) => {
  if (message.type === 'checkpoint') {
    // The test apps record every request they receive (for other suites); that list is the
    // harness's memory, not the adapter's, so it is emptied before measuring.
    app.requests.length = 0;
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    send({ type: 'memory', label: message.label ?? '', ...process.memoryUsage() });
  } else if (message.type === 'close') {
    await app.close();
    process.exit(0);
  }
});
// The parent went away: do not linger.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', port: app.port });
