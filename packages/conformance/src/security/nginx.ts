/**
 * A real shared cache for tests: nginx with `proxy_cache`, started as a child process with its own
 * configuration, pid file, error log, temporary paths and cache in a fresh temporary directory.
 * nginx honours `Vary` (it keeps one cached variant per value of the varied request headers), which
 * is exactly what CORS relies on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunningNginx {
  /** The port nginx listens on, on 127.0.0.1. */
  readonly port: number;
  /** Path prefix under which an upstream is served: `/${name}/…` → `http://127.0.0.1:${port}/…`. */
  path(name: string, rest: string): string;
  errorLog(): Promise<string>;
  close(): Promise<void>;
}

/** `$NGINX`, Debian's `/usr/sbin/nginx`, or `nginx` on the PATH; a clear error when none. */
export function findNginx(): string {
  const candidates = [
    process.env.NGINX,
    '/usr/sbin/nginx',
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'nginx')),
  ];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  throw new Error(
    'nginx is required for the cache-safety tests and was not found (looked at $NGINX, ' +
      '/usr/sbin/nginx and the PATH). Install it: `sudo apt-get install -y nginx` (CI does), ' +
      'or point NGINX at the binary.',
  );
}

/** A port that was free a moment ago (nginx binds it right after). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(dir: string, port: number, upstreams: Record<string, number>): string {
  const locations = Object.entries(upstreams)
    .map(
      ([name, upstream]) => `
    location /${name}/ {
      proxy_pass http://127.0.0.1:${upstream}/;
      proxy_cache cors;
      # Cache every 200 for 10 minutes whatever the app says (the test apps send no
      # Cache-Control), but keep honouring Vary: it is not in proxy_ignore_headers.
      proxy_cache_valid 200 10m;
      proxy_ignore_headers Cache-Control Expires;
      add_header X-Cache-Status $upstream_cache_status always;
    }`,
    )
    .join('\n');
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=cors:1m max_size=16m inactive=10m use_temp_path=off;
  server {
    listen 127.0.0.1:${port};
${locations}
  }
}
`;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms`);
}

/** Starts nginx in front of `upstreams` (name → port on 127.0.0.1). */
export async function startNginx(upstreams: Record<string, number>): Promise<RunningNginx> {
  const binary = findNginx();
  const dir = await mkdtemp(join(tmpdir(), 'cors-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, config(dir, port, upstreams));
  const child = spawn(binary, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const errorLog = () => readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, 10_000);
  } catch (error) {
    const log = await errorLog();
    await close();
    throw new Error(`${(error as Error).message}\n${stderr}\n${log}`, { cause: error });
  }
  return { port, path: (name, rest) => `/${name}${rest}`, errorLog, close };
}
