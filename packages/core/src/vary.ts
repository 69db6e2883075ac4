/**
 * `Vary` is a list header that other middleware also writes; CORS merges into it and never
 * overwrites it (h3's rule). Tokens compare case-insensitively; `*` absorbs everything.
 */

/**
 * Merges `tokens` (comma-separated) into an existing `Vary` value, dropping case-insensitive
 * duplicates and keeping `*` as `*`. Returns `existing` itself when nothing is added.
 *
 * @example appendVary('Accept-Encoding', 'Origin') // 'Accept-Encoding, Origin'
 * @example appendVary('origin', 'Origin') // 'origin'
 * @example appendVary('*', 'Origin') // '*'
 */
export function appendVary(existing: string | undefined, tokens: string): string {
  // The common cases, without allocating: no Vary yet, or the same tokens merged twice.
  if (existing === undefined || existing === '') return normalizeTokens(tokens);
  if (existing === tokens) return existing.trim();
  return merge(existing, tokens);
}

/** Bounded memo of normalised token lists: adapters merge the same few decision values again and again. */
const normalized = new Map<string, string>();
const NORMALIZED_LIMIT = 256;

function normalizeTokens(tokens: string): string {
  const known = normalized.get(tokens);
  if (known !== undefined) return known;
  const value = merge('', tokens);
  if (normalized.size >= NORMALIZED_LIMIT) normalized.clear();
  normalized.set(tokens, value);
  return value;
}

function merge(existing: string, tokens: string): string {
  const current = existing.trim();
  if (tokens === '') return current;
  if (current === '*') return '*';
  const seen = new Set<string>();
  const out: string[] = [];
  if (!addTokens(current, seen, out)) return '*';
  const before = out.length;
  if (!addTokens(tokens, seen, out)) return '*';
  if (out.length === before) return current;
  return out.join(', ');
}

/** Adds the list's tokens not seen yet to `out`; `false` when the list holds `*`. */
function addTokens(list: string, seen: Set<string>, out: string[]): boolean {
  for (const part of list.split(',')) {
    const token = part.trim();
    if (token === '') continue;
    if (token === '*') return false;
    const key = token.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(token);
  }
  return true;
}
