/**
 * Real runtimes, from the binaries their npm packages ship (`bun`, `deno`, `workerd`, installed as
 * devDependencies of @cors/fetch): an entry file is bundled with esbuild into one ES module and
 * served by the runtime on 127.0.0.1, on a port the runtime chooses and reports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export type Runtime = 'bun' | 'deno' | 'workerd';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A workerd compatibility date the shipped binary supports. */
const COMPATIBILITY_DATE = '2025-09-01';

/**
 * The runtime's binary, or an error that names the runtime and how to install it: a missing
 * runtime fails the suite, it never skips it.
 */
export function runtimeBinary(runtime: Runtime): string {
  const binary = join(ROOT, 'node_modules', '.bin', runtime);
  const fix =
    `install it with \`npm ci\` at the repository root (the \`${runtime}\` devDependency of ` +
    '@cors/fetch ships the binary inside its npm package).';
  if (!existsSync(binary)) throw new Error(`${runtime} is not installed (${binary}): ${fix}`);
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) {
    throw new Error(
      `${runtime} is installed at ${binary} but does not run (${probe.error?.message ?? probe.stderr.trim()}): ${fix}`,
    );
  }
  return binary;
}

/** An entry file, or source text whose imports resolve from `resolveDir` (a README's example). */
export type Entry = string | { contents: string; resolveDir: string };

/** Bundles `entry` (TypeScript, importing workspace packages) into one ES module file in `dir`. */
export async function bundle(
  entry: Entry,
  dir: string,
  name = 'server.js',
  platform: 'neutral' | 'node' = 'neutral',
): Promise<string> {
  const outfile = join(dir, name);
  await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' } }),
    outfile,
    bundle: true,
    format: 'esm',
    // Bun has Node's built-ins (a dependency of Elysia's wants them); Deno and workerd get none.
    platform,
    mainFields: ['module', 'main'],
    conditions: ['import', 'workerd', 'worker', 'browser'],
    target: 'es2022',
    logLevel: 'silent',
  });
  return outfile;
}

export interface RunningRuntime {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts `entry` on `runtime` and resolves once it listens. The entry prints `{"port": n}`, except
 * with `denoServe`: then `deno serve` serves the entry's default export `{ fetch }` itself, as a
 * user runs it, and says where it listens.
 */
export async function startOnRuntime(
  runtime: Runtime,
  entry: Entry,
  { denoServe = false }: { denoServe?: boolean } = {},
): Promise<RunningRuntime> {
  const binary = runtimeBinary(runtime);
  const dir = mkdtempSync(join(tmpdir(), `cors-${runtime}-`));
  const file = await bundle(
    entry,
    dir,
    runtime === 'workerd' ? 'worker.js' : 'server.js',
    runtime === 'bun' ? 'node' : 'neutral',
  );
  let child: ChildProcess;
  let portSource: NodeJS.ReadableStream;
  if (runtime === 'workerd') {
    // No wrangler: a workerd config of our own, one worker behind one socket. Port 0 picks a free
    // port; workerd reports it on the control fd (a JSON line per listening socket).
    writeFileSync(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # fetch() to the tests' upstream servers on loopback (workerd allows public addresses only by default).
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`,
    );
    child = spawn(binary, ['serve', join(dir, 'config.capnp'), '--control-fd=3'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    portSource = child.stdio[3] as NodeJS.ReadableStream;
  } else {
    const args =
      runtime === 'bun'
        ? ['run', file]
        : denoServe
          ? ['serve', '--allow-net', '--no-prompt', '--host', '127.0.0.1', '--port', '0', file]
          : ['run', '--allow-net', '--no-prompt', file];
    child = spawn(binary, args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DENO_DIR: join(dir, '.deno'),
        DENO_NO_UPDATE_CHECK: '1',
        BUN_INSTALL_CACHE_DIR: join(dir, '.bun'),
        NO_COLOR: '1',
      },
    });
    portSource = child.stdout as NodeJS.ReadableStream;
  }

  let stderr = '';
  child.stderr?.setEncoding('utf8');
  // Where the runtime says it listens: the JSON line of our entries (on the control fd for
  // workerd), or `deno serve`'s own line, which it writes to stderr.
  let readPort: (chunk: string) => void = () => undefined;
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    if (denoServe) readPort(chunk);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${runtime} did not start within 20 s. stderr:\n${stderr}`)),
        20_000,
      );
      let buffered = '';
      readPort = (chunk: string) => {
        buffered += chunk;
        for (const line of buffered.split('\n').slice(0, -1)) {
          // `deno serve: Listening on http://127.0.0.1:<port>/`
          const listening = /Listening on https?:\/\/[^\s]+:(\d+)\//.exec(line);
          if (listening !== null) {
            clearTimeout(timer);
            resolvePort(Number(listening[1]));
          }
          try {
            const message = JSON.parse(line) as { port?: number; event?: string };
            if (typeof message.port === 'number') {
              clearTimeout(timer);
              resolvePort(message.port);
            }
          } catch {
            // Not a line of ours (a runtime's own output): keep reading.
          }
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      };
      portSource.setEncoding('utf8');
      portSource.on('data', readPort);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`${runtime} exited (${code ?? signal}) before listening. stderr:\n${stderr}`),
        );
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`${runtime} could not be started: ${error.message}`));
      });
    });
    return { port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The first ```ts block of a README, to run as written. */
export function firstExample(readme: string): string {
  const match = /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'));
  if (match === null) throw new Error(`no ts example in ${readme}`);
  return match[1]!;
}

/**
 * Runs `deno check` on `file` against Deno's own lib (not DOM, not Node's), resolving packages
 * from node_modules as a Deno project with a package.json does. Returns its output; throws with
 * the output when the check fails.
 */
export function denoCheck(file: string): string {
  const binary = runtimeBinary('deno');
  const dir = mkdtempSync(join(tmpdir(), 'cors-deno-check-'));
  try {
    const result = spawnSync(binary, ['check', '--node-modules-dir=manual', file], {
      cwd: dirname(file),
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        DENO_DIR: join(dir, '.deno'),
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
      },
    });
    const output = `${result.stdout}${result.stderr}`;
    if (result.status !== 0) throw new Error(`deno check ${file} failed:\n${output}`);
    return output;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
