// Figure (c), size: what a CORS library adds to an application bundle. The package's ESM entry (for
// ours, the core's built dist/index.js) bundled by esbuild with --minify, then gzip at level 9.
//
// The Public Suffix List table's share: the table is one long string literal in the core, so the
// bundle is parsed (acorn) and its string literals of 4 KiB or more are emptied; the table's share
// is what that saves, minified and gzipped. No other string in the core comes near that length.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'acorn';
import { build } from 'esbuild';

const LONG_STRING = 4096;

/** The ESM entry of `specifier`, bundled and minified; resolves with its text. */
async function bundle(specifier) {
  const entry = fileURLToPath(import.meta.resolve(specifier));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    // The peers' CommonJS dependencies ask for node built-ins by name; they stay imports.
    mainFields: ['module', 'main'],
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const gzipped = (text) => gzipSync(text, { level: 9 }).length;

/** The source ranges of the string literals (and plain template literals) of `LONG_STRING` or more. */
function longStrings(code) {
  const ranges = [];
  const visit = (node) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const long =
      (node.type === 'Literal' && typeof node.value === 'string') ||
      (node.type === 'TemplateLiteral' && node.expressions.length === 0);
    if (long && node.end - node.start >= LONG_STRING) {
      ranges.push([node.start, node.end]);
      return;
    }
    for (const key in node) if (key !== 'loc') visit(node[key]);
  };
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }));
  return ranges;
}

/** `code` with the given ranges replaced by an empty string literal. */
function withoutRanges(code, ranges) {
  let out = code;
  for (const [start, end] of [...ranges].sort((a, b) => b[0] - a[0]))
    out = `${out.slice(0, start)}""${out.slice(end)}`;
  return out;
}

/**
 * { minified, gzipped } bytes of `specifier`'s bundle and, with `table`, the share of its long
 * string literals: { count, minified, gzipped }.
 */
export async function measureSize(specifier, { table = false } = {}) {
  const code = await bundle(specifier);
  const size = { minified: Buffer.byteLength(code), gzipped: gzipped(code) };
  if (table) {
    const ranges = longStrings(code);
    const rest = withoutRanges(code, ranges);
    size.table = {
      count: ranges.length,
      minified: size.minified - Buffer.byteLength(rest),
      gzipped: size.gzipped - gzipped(rest),
    };
  }
  return size;
}
