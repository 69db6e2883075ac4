/**
 * Soak: resource exhaustion over time. Each adapter's app runs in its own process and answers
 * `SOAK_REQUESTS` random requests (default 20,000; `npm run test:soak` sends 10^6) with random
 * origins (many unique), methods and header lists over 32 keep-alive connections. No request may
 * fail or get an answer other than the core's decision, and the server's heap after forced garbage
 * collection must not grow from the first quarter to the last: nothing is kept per origin or per
 * request.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterApps } from '../../src/apps/index.js';
import type { MemoryReport } from '../../src/security/soak-server.js';
import {
  buildSoakServer,
  requestGenerator,
  runLoad,
  startSoakChild,
  type LoadResult,
} from '../../src/security/soak.js';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 20_000);
const QUARTER = Math.ceil(REQUESTS / 4);
const WARM_UP = Math.max(2_000, Math.floor(REQUESTS / 20));
const SEED = Number(process.env.SOAK_SEED ?? 20_240_601);
/** Heap growth allowed from the first quarter to the last: GC and JIT noise, not a leak. */
const HEAP_MARGIN = 2 * 1024 * 1024;
/** Generous: RSS also holds freed-but-not-returned pages and socket buffers. */
const RSS_MARGIN = 48 * 1024 * 1024;

interface AdapterReport {
  adapter: string;
  requests: number;
  durationMs: number;
  requestsPerSecond: number;
  errors: number;
  mismatches: number;
  checkpoints: { label: string; rssMiB: number; heapUsedMiB: number; heapTotalMiB: number }[];
}

const reports: AdapterReport[] = [];
let bundle: Awaited<ReturnType<typeof buildSoakServer>>;
const MiB = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;

beforeAll(async () => {
  bundle = await buildSoakServer();
});

afterAll(async () => {
  await bundle?.remove();
  if (reports.length === 0) return;
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules/.soak');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `soak-report-${REQUESTS}.json`), JSON.stringify(reports, null, 2));
  for (const r of reports) {
    console.log(
      `${r.adapter}: ${r.requests} requests in ${(r.durationMs / 1000).toFixed(1)} s ` +
        `(${r.requestsPerSecond}/s), ${r.errors} errors, ${r.mismatches} wrong answers; ` +
        r.checkpoints
          .map((c) => `${c.label} rss ${c.rssMiB} MiB heap ${c.heapUsedMiB}/${c.heapTotalMiB} MiB`)
          .join(', '),
    );
  }
});

describe.each(adapterApps)('$name', (adapter) => {
  it(
    `answers ${REQUESTS} random CORS requests over keep-alive with no error, no wrong answer and a flat heap (no per-origin or per-request retention)`,
    async () => {
      const child = await startSoakChild(bundle.file, adapter.name);
      const loads: LoadResult[] = [];
      const checkpoints: MemoryReport[] = [];
      try {
        const generate = requestGenerator(SEED);
        loads.push(await runLoad(child.port, WARM_UP, generate));
        checkpoints.push(await child.checkpoint('warm-up'));
        for (let quarter = 1; quarter <= 4; quarter++) {
          loads.push(await runLoad(child.port, QUARTER, generate));
          checkpoints.push(await child.checkpoint(`q${quarter}`));
        }
      } finally {
        await child.close();
      }

      const measured = loads.slice(1);
      const total = {
        requests: measured.reduce((n, l) => n + l.requests, 0),
        durationMs: measured.reduce((n, l) => n + l.durationMs, 0),
        errors: loads.reduce((n, l) => n + l.errors, 0),
        mismatches: loads.reduce((n, l) => n + l.mismatches, 0),
      };
      reports.push({
        adapter: adapter.name,
        ...total,
        durationMs: Math.round(total.durationMs),
        requestsPerSecond: Math.round(total.requests / (total.durationMs / 1000)),
        checkpoints: checkpoints.map((c) => ({
          label: c.label,
          rssMiB: MiB(c.rss),
          heapUsedMiB: MiB(c.heapUsed),
          heapTotalMiB: MiB(c.heapTotal),
        })),
      });

      expect(loads.flatMap((l) => l.samples)).toEqual([]);
      expect(total.errors).toBe(0);
      expect(total.mismatches).toBe(0);
      expect(total.requests).toBe(QUARTER * 4);
      const first = checkpoints[1] as MemoryReport;
      const last = checkpoints[4] as MemoryReport;
      expect(last.heapUsed - first.heapUsed, 'heap growth from q1 to q4').toBeLessThan(HEAP_MARGIN);
      expect(last.rss - first.rss, 'RSS growth from q1 to q4').toBeLessThan(RSS_MARGIN);
    },
    // About 1 ms per request on a busy 2-core machine, plus start-up.
    60_000 + REQUESTS * 2,
  );
});
