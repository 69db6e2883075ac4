/**
 * The playground started as `npm run demo` starts it (main.js on a free PAGE_PORT), and Debian's
 * Chromium through playwright-core, never a downloaded browser.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts main.js; resolves once it printed its URLs. `env`: extra variables (DECISIONS_DELAY_MS). */
export async function startPlayground(env = {}) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PAGE_PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('Ctrl-C to stop.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`main.js exited (${code}):\n${stdout}`)));
  });
  const pageOrigin = /^ {2}Page +(http:\/\/localhost:\d+)$/m.exec(stdout)[1];
  const apiFiles = [...stdout.matchAll(/\((src\/apis\/[^)]+)\)$/gm)].map((match) => match[1]);
  return {
    pageOrigin,
    apiFiles,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

export function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
  });
}
