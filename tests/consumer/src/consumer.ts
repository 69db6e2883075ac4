/**
 * A fresh consumer, as a new user makes one: the workspace's publishable packages packed with
 * `npm pack`, installed from those tarballs into a temporary folder outside the workspace together
 * with the frameworks from the registry, then run with plain `node` and `tsc`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script of the repository, without types.
import { publishablePackages } from '../../../scripts/packages.mjs';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SCRIPTS = fileURLToPath(new URL('../../../scripts/', import.meta.url));

export interface Publishable {
  /** e.g. `packages/node` */
  readonly dir: string;
  readonly path: string;
  readonly manifest: { name: string; peerDependencies?: Record<string, string> };
}

export const packages = (publishablePackages as () => Publishable[])();

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command; rejects with its output when it fails. npm's own `npm_*` variables are dropped,
 * so that an `npm run` around the tests does not turn the consumer's npm into a workspace command.
 * `node` is the Node.js binary to run (`NODE_BINARY`, else this process's).
 */
export function run(
  command: string,
  args: string[],
  cwd: string,
  options: { allowFailure?: boolean } = {},
): Promise<Ran> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.toLowerCase().startsWith('npm_')) env[name] = value;
  }
  const executable = command === 'node' ? nodeBinary() : command;
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 && options.allowFailure !== true) {
        reject(
          new Error(
            `${command} ${args.join(' ')} (in ${cwd}) exited ${code}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`,
          ),
        );
      } else resolve({ code, stdout, stderr });
    });
  });
}

export function nodeBinary(): string {
  return process.env.NODE_BINARY ?? process.execPath;
}

/** Packs every publishable package (its prepack copies the LICENSE); name → tarball path. */
export async function packAll(destination: string): Promise<Map<string, string>> {
  await run(process.execPath, [join(SCRIPTS, 'copy-license.mjs')], SCRIPTS);
  const tarballs = new Map<string, string>();
  for (const { path, manifest } of packages) {
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--pack-destination', destination],
      path,
    );
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
    tarballs.set(manifest.name, join(destination, packed!.filename));
  }
  return tarballs;
}

/** A folder outside the workspace, removed by the returned function. */
export async function tempFolder(
  prefix: string,
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a consumer's package.json and installs it: tarballs as `file:` dependencies. */
export async function install(
  dir: string,
  dependencies: Record<string, string>,
  type: 'module' | 'commonjs' = 'module',
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type, dependencies }, null, 2)}\n`,
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
}

export interface Answer {
  get: { status: number; acao?: string; vary?: string; body: string };
  preflight: { status: number; acao?: string; methods?: string };
  /** Nest apps: preflights of /api/stats, whose @Cors() allows only the admin origin. */
  routePolicy?: { admin: { acao: string | null }; app: { acao: string | null } };
}
