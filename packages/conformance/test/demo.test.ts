/**
 * The README's first command, as a person sees it: the playground page in Chromium makes its live
 * cross-origin calls to every adapter's API and shows the expected allowed and blocked outcomes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/browser.js';

const MAIN = fileURLToPath(new URL('../../../examples/playground/src/main.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the playground page in Chromium', () => {
  let child: ChildProcess;
  let browser: Browser;
  let pageOrigin: string;
  let stdout = '';

  beforeAll(async () => {
    child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PAGE_PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('Ctrl-C to stop.')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`main.js exited (${code}):\n${stdout}`)));
    });
    pageOrigin = /^ {2}Page +(http:\/\/localhost:\d+)$/m.exec(stdout)![1]!;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });

  it('runs every call against every adapter and each outcome is the expected one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pageOrigin);
    const summary = page.locator('#summary[data-state="done"]');
    await summary.waitFor({ timeout: 60_000 });

    const rows = await page.locator('tr[data-call]').evaluateAll((elements) =>
      elements.map((row) => ({
        adapter: row.closest('[data-adapter]')?.getAttribute('data-adapter'),
        call: row.getAttribute('data-call'),
        expected: row.getAttribute('data-expected'),
        outcome: row.getAttribute('data-outcome'),
      })),
    );
    const adapters = new Set(rows.map((row) => row.adapter));
    const started = [...stdout.matchAll(/\((src\/apis\/[^)]+)\)$/gm)].length;
    expect(adapters.size).toBe(started);
    // Each adapter makes calls the browser must allow and at least one it must block.
    for (const adapter of adapters) {
      const own = rows.filter((row) => row.adapter === adapter);
      expect(own.some((row) => row.expected === 'allowed')).toBe(true);
      expect(own.some((row) => row.expected === 'blocked')).toBe(true);
    }
    expect(rows.filter((row) => row.outcome !== row.expected)).toEqual([]);
    expect(await summary.getAttribute('data-all-expected')).toBe('true');
    await context.close();
  });
});
