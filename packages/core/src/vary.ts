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
  const current = existing === undefined ? '' : existing.trim();
  if (tokens === '') return current;
  if (current === '*') return '*';
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of current.split(',')) {
    const token = part.trim();
    if (token === '') continue;
    if (token === '*') return '*';
    const key = token.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(token);
  }
  const before = out.length;
  for (const part of tokens.split(',')) {
    const token = part.trim();
    if (token === '') continue;
    if (token === '*') return '*';
    const key = token.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(token);
  }
  if (out.length === before) return current;
  return out.join(', ');
}
