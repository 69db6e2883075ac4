/**
 * The Public Suffix List, asked at policy creation only (never per request): is a domain one under
 * which anyone can register a name? The rules come from the generated {@link PUBLIC_SUFFIX_TABLE}
 * (scripts/generate-public-suffixes.mjs) and are read into a `Map` the first time a pattern needs
 * them.
 */
import { PUBLIC_SUFFIX_TABLE } from './public-suffix-table.js';

/** Which section of the list a public suffix comes from: registries (ICANN) or shared hosting (private). */
export type PublicSuffixSection = 'icann' | 'private';

let rules: Map<string, PublicSuffixSection> | null = null;

/** Reads the table: rule (`a.b`, `*.b`, `!a.b`) → section. */
function readTable(table: string): Map<string, PublicSuffixSection> {
  const map = new Map<string, PublicSuffixSection>();
  const parents: string[] = [];
  /** The label before, at each open level: a capital letter starts a label with its first 1-26 characters. */
  const previous: string[] = [''];
  let labelStart = 0;
  let last = '';
  for (let i = 0; i <= table.length; i++) {
    const ch = i < table.length ? table[i] : ',';
    if (ch !== ',' && ch !== '(' && ch !== ')') continue;
    if (i > labelStart) {
      let label = table.slice(labelStart, i);
      const mark = label[label.length - 1];
      if (mark === '+' || mark === '~') label = label.slice(0, -1);
      const shared = label.charCodeAt(0) - 64;
      if (shared >= 1 && shared <= 26)
        label = (previous[previous.length - 1] as string).slice(0, shared) + label.slice(1);
      previous[previous.length - 1] = label;
      const parent = parents[parents.length - 1];
      const name = parent === undefined ? label : `${label}.${parent}`;
      if (mark !== '~') map.set(name, mark === '+' ? 'private' : 'icann');
      last = name.startsWith('!') ? name.slice(1) : name;
    }
    if (ch === '(') {
      parents.push(last);
      previous.push('');
    } else if (ch === ')') {
      parents.pop();
      previous.pop();
    }
    labelStart = i + 1;
  }
  return map;
}

/**
 * The section of the list that makes `domain` (lower-case, punycode, no trailing dot) a public
 * suffix, or `null` when names under it belong to whoever registered `domain`. Every single label is
 * a public suffix (the list's implicit `*` rule).
 *
 * @example publicSuffixSection('co.uk') // 'icann'
 * @example publicSuffixSection('myshopify.com') // 'private'
 * @example publicSuffixSection('example.com') // null
 */
export function publicSuffixSection(domain: string): PublicSuffixSection | null {
  rules ??= readTable(PUBLIC_SUFFIX_TABLE);
  if (rules.has(`!${domain}`)) return null;
  const exact = rules.get(domain);
  if (exact !== undefined) return exact;
  const dot = domain.indexOf('.');
  if (dot < 0) return 'icann';
  return rules.get(`*${domain.slice(dot)}`) ?? null;
}
