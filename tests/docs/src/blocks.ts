/**
 * Code blocks of the documentation: every ```ts / ```js block of README.md, packages/*\/README.md
 * and docs/**\/*.md (docs/api aside), with where it starts. A block preceded by an HTML comment
 * `<!-- fragment -->` (optionally `<!-- fragment: why -->`) is part of a larger program, and is
 * neither type-checked nor run; every other block must type-check as a module on its own, and a
 * block that calls `.listen(` is a server, which is run.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Block {
  /** Repository-relative path of the Markdown file. */
  readonly file: string;
  /** 1-based line of the block's first code line. */
  readonly line: number;
  readonly language: 'ts' | 'js';
  readonly code: string;
  readonly fragment: boolean;
  /** `file:line`, how failures name the block. */
  readonly where: string;
}

const FENCE = /^(\s*)```\s*(ts|typescript|js|javascript)\s*$/;
const FRAGMENT = /^<!--\s*fragment\b.*-->$/;

/** The Markdown files whose blocks are checked. */
export function markdownFiles(): string[] {
  const files = ['README.md'];
  const packages = join(ROOT, 'packages');
  for (const dir of readdirSync(packages)) {
    if (existsSync(join(packages, dir, 'README.md'))) files.push(`packages/${dir}/README.md`);
  }
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && path !== 'docs/api') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk('docs');
  return files.sort();
}

export function extractBlocks(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index]!);
    if (open === null) continue;
    const indent = open[1]!.length;
    const language = open[2]!.startsWith('t') ? 'ts' : 'js';
    let previous = index - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    const fragment = previous >= 0 && FRAGMENT.test(lines[previous]!.trim());
    const code: string[] = [];
    let end = index + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) {
      code.push(lines[end]!.slice(Math.min(indent, lines[end]!.search(/\S|$/))));
      end++;
    }
    blocks.push({
      file,
      line: index + 2,
      language,
      code: code.join('\n'),
      fragment,
      where: `${file}:${index + 2}`,
    });
    index = end;
  }
  return blocks;
}

export function allBlocks(): Block[] {
  return markdownFiles().flatMap(extractBlocks);
}

/** A file name for the block's code, unique and readable: `docs_caching.md_L52.ts`. */
export function blockFileName(block: Block): string {
  return `${block.file.replaceAll('/', '_')}_L${block.line}.${block.language === 'ts' ? 'ts' : 'js'}`;
}

export function relativeToRoot(path: string): string {
  return relative(ROOT, path);
}

/** A server block: it listens. */
export function isServer(block: Block): boolean {
  return /\.listen\(/.test(block.code);
}

/**
 * The requests that show a server block's CORS at work: GET on the first route path it declares
 * (Express/Koa/Fastify `.get('/x'`, Nest `@Controller('a')` + `@Get('b')`), once from each origin
 * the block names (one of them is the policy's for that path).
 */
export function requestFor(block: Block): { path: string; origins: string[] } {
  const found = block.code.match(/https:\/\/[a-z0-9.-]+\.[a-z]+/g) ?? [];
  const origins = found.length > 0 ? [...new Set(found)] : ['https://app.example.com'];
  const route = /\.(?:get|all)\(\s*['"](\/[^'"]*)['"]/.exec(block.code)?.[1];
  const controller = /@Controller\(\s*['"]([^'"]*)['"]/.exec(block.code)?.[1];
  const handler = /@Get\(\s*['"]([^'"]*)['"]/.exec(block.code)?.[1];
  let path = route ?? '/';
  if (route === undefined && controller !== undefined) {
    path = `/${[controller, handler ?? ''].filter(Boolean).join('/')}`;
  }
  return { path: path.replace(/:(\w+)/g, '1'), origins };
}
