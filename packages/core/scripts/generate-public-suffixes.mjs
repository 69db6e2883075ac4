#!/usr/bin/env node
// Generates src/public-suffix-table.ts, the Public Suffix List as a compact table, from the list that
// the `tldts` package ships (a devDependency: the core keeps zero runtime dependencies).
//
//   npm run update:psl -w @cors/core     (after `npm install -D tldts@latest -w @cors/core`)
//
// `renderPublicSuffixTable()` is also what test/public-suffix.test.ts compares the committed table
// with, so a table that does not match the installed list fails the tests.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { domainToASCII } from 'node:url';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const ICANN = 1;

/** Where the installed tldts keeps its trie of the list, and its version. */
function tldtsLocation() {
  const packageJson = require.resolve('tldts/package.json');
  const root = dirname(packageJson);
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8'));
  return { trie: join(root, 'dist/es6/src/data/trie.js'), version };
}

/**
 * Every rule of the list as `{ rule, section }`, read back from tldts's flat trie: labels are stored
 * right to left, `nodeFlags` says which section a rule ending at a node belongs to, `*` edges are
 * wildcard rules, and the exceptions trie holds the `!` rules.
 */
export async function readRules() {
  const { trie } = tldtsLocation();
  const data = await import(pathToFileURL(trie).href);
  const { nodeFlags, edgeStart, edgeLength, edgeChild, labelText, rulesRoot, exceptionsRoot } =
    data;
  const edgeOffset = [];
  for (let edge = 0, offset = 0; edge < edgeLength.length; edge++) {
    edgeOffset.push(offset);
    offset += edgeLength[edge];
  }
  const rules = [];
  const walk = (node, labels, exception) => {
    for (let edge = edgeStart[node]; edge < edgeStart[node + 1]; edge++) {
      const label = labelText.slice(edgeOffset[edge], edgeOffset[edge] + edgeLength[edge]);
      const child = edgeChild[edge];
      const path = [label, ...labels];
      const flags = nodeFlags[child];
      if (flags !== 0) {
        const section = flags & ICANN ? 'icann' : 'private';
        rules.push({ rule: (exception ? '!' : '') + toAscii(path), section });
      }
      walk(child, path, exception);
    }
  };
  walk(rulesRoot, [], false);
  walk(exceptionsRoot, [], true);
  return rules;
}

/** The list writes IDNs in Unicode; browsers send them as punycode, so the table stores that. */
function toAscii(labels) {
  return labels
    .map((label) => {
      if (label === '*' || [...label].every((char) => char.charCodeAt(0) < 128)) return label;
      const ascii = domainToASCII(`${label}.example`);
      if (ascii === '') throw new Error(`cannot convert the label ${label} to punycode`);
      return ascii.slice(0, -'.example'.length);
    })
    .join('.');
}

/**
 * The table: the rules as a tree of labels read right to left, `label(child,child,...)`, children
 * sorted, each written after the one before it as {@link shareStart} says. After a label: nothing
 * for a rule of the ICANN section, `+` for a rule of the private section, `~` for a label that is
 * only on the way to longer rules. `*` is a wildcard label and a leading `!` marks an exception
 * rule. A top-level label that is a rule and has no longer rules under it is left out: every single
 * label is a public suffix anyway (the list's implicit `*` rule).
 *   ac(com,drr+,edu,...),...,com(...,myshopify+,...)
 */
export function encode(rules) {
  const root = new Map();
  for (const { rule, section } of rules) {
    const exception = rule.startsWith('!');
    const labels = (exception ? rule.slice(1) : rule).split('.').reverse();
    let children = root;
    let node;
    labels.forEach((label, i) => {
      const key = exception && i === labels.length - 1 ? `!${label}` : label;
      node = children.get(key);
      if (node === undefined) children.set(key, (node = { mark: '~', children: new Map() }));
      children = node.children;
    });
    node.mark = section === 'private' ? '+' : '';
  }
  for (const [label, node] of root) {
    if (node.children.size === 0 && node.mark === '') root.delete(label);
  }
  const write = (children) => {
    let previous = '';
    return [...children.keys()]
      .sort()
      .map((label) => {
        const node = children.get(label);
        const text = shareStart(previous, label) + node.mark;
        previous = label;
        return text + (node.children.size > 0 ? `(${write(node.children)})` : '');
      })
      .join(',');
  };
  return write(root);
}

/**
 * `label` as written after its sorted sibling `previous`: the characters they start with in common
 * (up to 26) as one capital letter, `A` for 1 to `Z` for 26, then the rest (`abashiri,Bira` for
 * `abashiri,abira`). Labels are lower case, so a capital is never part of one. Gzip finds long
 * repeats but pays for short ones; this makes the table 12% shorter and 4% smaller gzipped.
 */
function shareStart(previous, label) {
  if (label.startsWith('!') || previous.startsWith('!')) return label;
  let shared = 0;
  while (shared < 26 && previous[shared] === label[shared]) shared++;
  return shared === 0 ? label : String.fromCharCode(64 + shared) + label.slice(shared);
}

export async function renderPublicSuffixTable() {
  const { version } = tldtsLocation();
  const rules = await readRules();
  const table = encode(rules);
  // Written as prettier writes it, so that formatting the repository leaves it alone.
  if (!/^[a-zA-Z0-9.*!+~(),_-]+$/.test(table)) throw new Error('unexpected character in the table');
  const icann = rules.filter((r) => r.section === 'icann').length;
  return `// Generated by scripts/generate-public-suffixes.mjs from tldts@${version} — do not edit.
// The Public Suffix List (https://publicsuffix.org/list/), ICANN and private sections:
// ${icann} ICANN rules and ${rules.length - icann} private rules. Update: npm run update:psl -w @cors/core.
//
// A tree of labels read right to left, 'label(child,...)', children sorted. A capital letter starts
// a label with that many characters of the sibling before it, A for 1 to Z for 26 ('abashiri,Bira'
// is abashiri and abira). After a label: nothing for an ICANN rule, '+' for a private rule, '~' for
// a label that is no rule itself. '*' is a wildcard label, a leading '!' an exception rule. Single
// labels with nothing under them are left out (every single label is a public suffix). IDNs are in
// punycode. Read by src/public-suffix.ts.
export const PUBLIC_SUFFIX_TABLE: string =
  '${table}';
`;
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = join(here, '../src/public-suffix-table.ts');
  writeFileSync(target, await renderPublicSuffixTable());
  console.log(`wrote ${target}`);
}
