/**
 * The documentation's code runs as written: every ts/js block of README.md, packages/*\/README.md
 * and docs/ that is not marked `<!-- fragment -->` type-checks as a module of its own against the
 * workspace packages, and every such block that listens is run (on port 0, whatever it asks for)
 * and answers a real cross-origin request with CORS headers. Failures name the Markdown file and
 * line. See CONTRIBUTING.md, "Code in the documentation".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allBlocks, blockFileName, isServer, requestFor, type Block } from '../src/blocks.js';

const WORK = fileURLToPath(new URL('../.blocks/', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../src/listen-port0.mjs', import.meta.url));

const blocks = allBlocks();
const checked = blocks.filter((block) => !block.fragment);
const servers = checked.filter(isServer);

/** Diagnostics per block, as `file:line:column message`, in the Markdown's own coordinates. */
const problems = new Map<Block, string[]>();
const children: ChildProcess[] = [];

function sourcePath(block: Block): string {
  return join(WORK, 'src', blockFileName(block));
}

function outputPath(block: Block): string {
  return join(WORK, 'out', blockFileName(block).replace(/\.ts$/, '.js'));
}

beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'src'), { recursive: true });
  writeFileSync(join(WORK, 'package.json'), '{ "type": "module" }\n');
  for (const block of checked) writeFileSync(sourcePath(block), `${block.code}\nexport {};\n`);
  const program = ts.createProgram(checked.map(sourcePath), {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    esModuleInterop: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    types: ['node'],
    rootDir: join(WORK, 'src'),
    outDir: join(WORK, 'out'),
  });
  const byFile = new Map(checked.map((block) => [sourcePath(block), block]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const block = diagnostic.file === undefined ? undefined : byFile.get(diagnostic.file.fileName);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (block === undefined || diagnostic.start === undefined) {
      // A problem outside any block (a library's types): every block would be suspect.
      for (const each of checked) problems.set(each, [...(problems.get(each) ?? []), message]);
      continue;
    }
    const { line, character } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    const where = `${block.file}:${block.line + line}:${character + 1}`;
    problems.set(block, [
      ...(problems.get(block) ?? []),
      `${where} TS${diagnostic.code}: ${message}`,
    ]);
  }
  program.emit();
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function get(port: number, path: string, origin: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      headers: { origin },
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.end();
  });
}

/** Runs the block's compiled code; resolves with the first port it listens on. */
async function start(block: Block): Promise<{ port: number; child: ChildProcess }> {
  const report = join(WORK, `${blockFileName(block)}.port`);
  rmSync(report, { force: true });
  const child = spawn(process.execPath, ['--import', PRELOAD, outputPath(block)], {
    env: { ...process.env, LISTEN_REPORT: report },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (existsSync(report)) {
      const port = Number(readFileSync(report, 'utf8').split('\n')[0]);
      if (port > 0) return { port, child };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${block.where}: the server never listened.\n${output.slice(-3000)}`);
}

describe('code blocks of the documentation', () => {
  it('finds the blocks, and most of them are checked rather than marked fragments', () => {
    expect(blocks.length).toBeGreaterThan(30);
    expect(checked.length).toBeGreaterThan(20);
    expect(servers.length).toBeGreaterThan(5);
  });

  it.each(checked.map((block) => [block.where, block] as const))(
    '%s type-checks as written',
    (_where, block) => {
      // One line per problem, `file:line:column TSnnnn: message`, in the Markdown's coordinates.
      const found = (problems.get(block) ?? []).join('\n');
      if (found !== '') {
        expect.fail(
          `${found}\n(a block that is part of a larger program is marked <!-- fragment -->)`,
        );
      }
    },
  );

  it.each(servers.map((block) => [block.where, block] as const))(
    '%s serves, and answers a cross-origin request with CORS headers',
    async (_where, block) => {
      const { port, child } = await start(block);
      try {
        const { path, origins } = requestFor(block);
        const answers: string[] = [];
        let allowed = false;
        for (const origin of origins) {
          const reply = await get(port, path, origin);
          const acao = reply.headers['access-control-allow-origin'];
          answers.push(`from ${origin}: ${reply.status}, Access-Control-Allow-Origin ${acao}`);
          expect(reply.status, `${block.where}: GET ${path} from ${origin}`).toBeLessThan(500);
          if (acao === origin || acao === '*') allowed = true;
        }
        if (!allowed) {
          expect.fail(
            `${block.where}: GET ${path} was allowed for none of the block's origins:\n${answers.join('\n')}`,
          );
        }
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});
