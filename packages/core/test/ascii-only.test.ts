/**
 * The build step that keeps the built JavaScript ASCII only (scripts/ascii-only.mjs): the escapes
 * say the same characters, and the source map still leads every column to the same place.
 */
import { SourceMap, type SourceMapping } from 'node:module';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without types
import { escapeNonAscii } from '../scripts/ascii-only.mjs';

const escape = escapeNonAscii as (
  code: string,
  mappings: string,
) => { code: string; mappings: string };

const mapOf = (mappings: string) =>
  new SourceMap({
    version: 3,
    file: 'x.js',
    sources: ['x.ts'],
    sourcesContent: [],
    sourceRoot: '',
    names: [],
    mappings,
  });

describe('escapeNonAscii', () => {
  // f("§…", g); then h(); — segments at f, the string, g, and h on the next line.
  const code = 'f("§…", g);\nh("’");';
  const mappings = 'AAAA,EAAE,MAAM;AACR,EAAE';

  it('writes each non-ASCII character as a \\u escape that evaluates to the same string', () => {
    const escaped = escape(code, mappings).code;
    expect(escaped).toBe('f("\\u00a7\\u2026", g);\nh("\\u2019");');
    expect(escaped).not.toMatch(/[^\0-\x7f]/);
  });

  it('moves the source map columns after each escape, and no others', () => {
    const before = mapOf(mappings);
    const after = mapOf(escape(code, mappings).mappings);
    const shift = [
      [0, 0, 0], // f
      [0, 2, 2], // the string starts before the escapes
      [0, 8, 18], // g: two escapes of 5 more characters each
      [1, 0, 0], // h
      [1, 2, 2],
    ];
    for (const [line, column, moved] of shift) {
      const { originalLine, originalColumn } = before.findEntry(line!, column!) as SourceMapping;
      expect(after.findEntry(line!, moved!)).toMatchObject({
        generatedColumn: moved,
        originalLine,
        originalColumn,
      });
    }
  });

  it('leaves ASCII code and its map as they are', () => {
    expect(escape('a("b");', 'AAAA,EAAE')).toEqual({ code: 'a("b");', mappings: 'AAAA,EAAE' });
  });
});
