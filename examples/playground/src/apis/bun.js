/* global Response */
/**
 * The playground API on Bun, with `withCors` from @cors/fetch: src/lib/bun-server.js, run by Bun in
 * a child process. It prints its URL first, then one JSON line per decision, which this module
 * hands to `log`. Bun is the `bun` npm package (a devDependency of @cors/fetch, so
 * node_modules/.bin/bun after `npm install`) or else a `bun` on PATH; without either, `start`
 * throws and the page shows that this API failed to start.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { withCors } from '@cors/fetch';
import { dangerousOptions } from '../lib/demo.js';

const SERVER = fileURLToPath(new URL('../lib/bun-server.js', import.meta.url));
const LOCAL_BUN = fileURLToPath(new URL('../../../../node_modules/.bin/bun', import.meta.url));

/** Resolves to the version `bun --version` prints, or rejects when that binary does not run. */
function bunVersion(bin) {
  return new Promise((resolve, reject) => {
    execFile(bin, ['--version'], { timeout: 10_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout.trim()),
    );
  });
}

/** The first Bun that runs: the repository's node_modules/.bin/bun, then `bun` on PATH. */
async function findBun() {
  const candidates = existsSync(LOCAL_BUN) ? [LOCAL_BUN, 'bun'] : ['bun'];
  const failures = [];
  for (const bin of candidates) {
    try {
      await bunVersion(bin);
      return bin;
    } catch (error) {
      failures.push(`${bin === 'bun' ? '`bun` on PATH' : bin}: ${error.code ?? error.message}`);
    }
  }
  throw new Error(
    `Bun is not installed: no Bun binary runs (${failures.join('; ')}). ` +
      '`npm install` at the repository root installs it (a devDependency of @cors/fetch), or see https://bun.sh.',
  );
}

export default {
  name: 'Bun',
  // The same package the child runs: @cors/fetch refuses these options the same way in Node.
  misconfigure: () => withCors(() => new Response(null), dangerousOptions()),
  async start({ pageOrigin, log }) {
    const bun = await findBun();
    // stdin stays open: the child exits when it closes, so it never outlives this process.
    const child = spawn(bun, [SERVER, pageOrigin], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-2_000);
    });

    const lines = createInterface({ input: child.stdout });
    const url = await new Promise((resolve, reject) => {
      child.once('error', reject);
      exited.then((code) =>
        reject(new Error(`the Bun server exited (${code}) before listening: ${stderr.trim()}`)),
      );
      lines.once('line', resolve);
    });
    if (!/^http:\/\/localhost:\d+$/.test(url)) {
      child.kill();
      throw new Error(`the Bun server printed ${JSON.stringify(url)} instead of its URL`);
    }
    lines.on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        // Not a decision (a stray print of the child's): shown, not fatal to the demo.
        console.error(`bun: ${line}`);
        return;
      }
      log(entry.decision, entry.method, entry.url);
    });

    return {
      url,
      close: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  },
};
