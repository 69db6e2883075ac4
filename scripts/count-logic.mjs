#!/usr/bin/env node
/**
 * Lines of logic per adapter: a line counts when it holds code that runs. Comments, blank lines,
 * imports and re-exports, type aliases, interfaces, overload signatures, `declare` blocks and type
 * annotations do not count, nor do lines holding only punctuation (a closing brace). Adapters
 * translate and nothing else (issue 13), so each must stay at or under the limit; the CI runs this.
 *
 *   node scripts/count-logic.mjs            # every adapter, fails above the limit
 *   node scripts/count-logic.mjs --json     # the counts as JSON
 *
 * Uses the TypeScript compiler's parser, so a line is judged by what the code is, not by its text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const LIMIT = 150;
/**
 * Known debts, each a ceiling that may only go down, with the reason and the way out. An adapter
 * listed here still fails above its ceiling, and is reported as over the limit.
 */
const CEILINGS = {
  // None today.
};
const ceiling = (adapter) => CEILINGS[adapter] ?? LIMIT;
const ADAPTERS = ['node', 'fastify', 'koa', 'nestjs', 'fetch', 'hono'];
const root = fileURLToPath(new URL('..', import.meta.url));

/** Nodes whose whole subtree is types, imports or declarations only: none of it runs. */
function isTypeOnly(node) {
  return (
    ts.isImportDeclaration(node) ||
    ts.isImportEqualsDeclaration(node) ||
    (ts.isExportDeclaration(node) && (node.isTypeOnly || node.moduleSpecifier !== undefined)) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isModuleDeclaration(node) ||
    ts.isTypeNode(node) ||
    ts.isTypeParameterDeclaration(node) ||
    // An overload signature has no body.
    ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.body === undefined) ||
    (ts.canHaveModifiers(node) &&
      ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) === true)
  );
}

/** The line numbers holding code that runs, in one file. */
export function logicLines(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines = new Set();
  const visit = (node) => {
    if (isTypeOnly(node)) return;
    let children = 0;
    ts.forEachChild(node, (child) => {
      children++;
      visit(child);
    });
    if (children === 0) lines.add(source.getLineAndCharacterOfPosition(node.getStart(source)).line);
  };
  ts.forEachChild(source, visit);
  return lines.size;
}

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.m?tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

export function countAdapters() {
  const counts = {};
  for (const adapter of ADAPTERS) {
    const dir = join(root, 'packages', adapter, 'src');
    if (!existsSync(dir)) continue;
    const files = {};
    let total = 0;
    for (const file of sourceFiles(dir)) {
      const lines = logicLines(file, readFileSync(file, 'utf8'));
      files[relative(root, file)] = lines;
      total += lines;
    }
    counts[adapter] = { total, files };
  }
  return counts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const counts = countAdapters();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(counts, null, 2));
  } else {
    for (const [adapter, { total, files }] of Object.entries(counts)) {
      const verdict =
        total <= LIMIT
          ? 'ok'
          : `OVER the limit of ${LIMIT}${total <= ceiling(adapter) ? `; a known debt, ceiling ${ceiling(adapter)}` : ''}`;
      console.log(`@cors/${adapter}: ${total} lines of logic (${verdict})`);
      for (const [file, lines] of Object.entries(files)) console.log(`  ${file}: ${lines}`);
    }
  }
  const over = Object.entries(counts).filter(([name, { total }]) => total > ceiling(name));
  if (over.length > 0) {
    console.error(
      `check:logic failed: ${over.map(([name, { total }]) => `@cors/${name} has ${total} (at most ${ceiling(name)})`).join(', ')} ` +
        `lines of logic; an adapter translates and nothing else (at most ${LIMIT}). Move rules into @cors/core.`,
    );
    process.exit(1);
  }
}
