/**
 * Origin RegExps, analysed for what they can match rather than screened by their source text.
 *
 * A RegExp is read with a small parser over the subset that describes origins: anchors, literal
 * characters, groups of alternatives, `?`, character classes with any quantifier, and the
 * subdomain idiom `([a-z0-9-]+\.)*`. Each way through its alternatives is laid out flat, and each
 * flat form is summed up as a *cover* in the core's own pattern language: an exact origin
 * (`https://app.example.com`) or a pattern over the domain its classes live under
 * (`https://*.example.com`, `:*` for a port class). Covers are then checked like any configured
 * string (scheme, plain http with credentials, Public Suffix List), so a RegExp never gets a
 * weaker check than the string that says the same.
 *
 * What cannot be proved is refused, with the strings to write instead: a `.` (any character), a
 * class that can match `.`, `/`, `:` or `@`, a class in the scheme or in the registrable part of
 * the host, lookarounds, backreferences, repeated groups other than the subdomain idiom, and two
 * quantified atoms that can compete for the same characters (the shape of super-linear
 * backtracking). A RegExp without any class is replaced by the exact origins it spells, so it
 * costs one `Set` lookup; one with classes is kept and run, but every class in it is followed by a
 * character it cannot match, so the engine never has two ways to split the input and its time is
 * linear in the origin's length.
 */

/** Most ways through a RegExp's alternatives that are laid out; more is a list of origins. */
export const MAX_REGEXP_EXPANSIONS = 64;

/** A set of ASCII characters; `nonAscii` for negated classes, which also match any other character. */
export interface CharSet {
  readonly ascii: Uint8Array;
  readonly nonAscii: boolean;
}

/** One step of a flat form: a literal character, a quantified class, or whole labels `(class+\.)`. */
export type FlatAtom =
  | { readonly kind: 'char'; readonly char: string }
  | {
      readonly kind: 'class';
      readonly set: CharSet;
      readonly min: number;
      readonly max: number;
      readonly source: string;
    }
  | {
      readonly kind: 'labels';
      readonly set: CharSet;
      readonly min: number;
      readonly source: string;
    };

type Node =
  | { readonly kind: 'char'; readonly char: string; readonly min: number; readonly max: number }
  | {
      readonly kind: 'class';
      readonly set: CharSet;
      readonly source: string;
      readonly min: number;
      readonly max: number;
    }
  | {
      readonly kind: 'group';
      readonly alternatives: readonly (readonly Node[])[];
      readonly source: string;
      readonly min: number;
      readonly max: number;
    };

/** Why a RegExp is refused: the issue code and the message (without the option name). */
export interface RegExpProblem {
  readonly code:
    | 'origin_regexp_unanchored'
    | 'origin_regexp_unescaped_dot'
    | 'origin_regexp_too_broad'
    | 'origin_regexp_backtracking'
    | 'origin_regexp_unsupported';
  readonly message: string;
}

/** What a RegExp can match. */
export type RegExpAnalysis =
  | { readonly kind: 'refused'; readonly problem: RegExpProblem }
  | {
      readonly kind: 'covered';
      /** Exact origins or patterns that together cover every origin the RegExp matches. */
      readonly covers: readonly string[];
      /** True when the covers are exactly what the RegExp matches (no class): use them instead. */
      readonly exact: boolean;
      /** The RegExp to run when not `exact`: stateless (`g` and `y` dropped). */
      readonly regexp: RegExp;
      /** Every way through it, flat: what the checks above were made on. */
      readonly forms: readonly (readonly FlatAtom[])[];
    };

/** Thrown from deep in the parser and caught once, at the top; an Error so that it has a stack. */
class Refusal extends Error {
  constructor(readonly problem: RegExpProblem) {
    super(problem.message);
  }
}

const refuse = (code: RegExpProblem['code'], message: string): never => {
  throw new Refusal({ code, message });
};

function charSet(chars: Iterable<number>, negated: boolean): CharSet {
  const ascii = new Uint8Array(128);
  for (const code of chars) ascii[code] = 1;
  if (negated) for (let c = 0; c < 128; c++) ascii[c] = ascii[c] === 1 ? 0 : 1;
  return { ascii, nonAscii: negated };
}

function has(set: CharSet, char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 128 ? set.ascii[code] === 1 : set.nonAscii;
}

const range = (from: string, to: string): number[] =>
  Array.from(
    { length: to.charCodeAt(0) - from.charCodeAt(0) + 1 },
    (_, i) => from.charCodeAt(0) + i,
  );
const DIGITS = range('0', '9');
const WORD = [...range('a', 'z'), ...range('A', 'Z'), ...DIGITS, 0x5f];

/** The fix to suggest: the pattern over the literal domain at the end of the source, if there is one. */
export function suggestPatternFor(source: string): string {
  const tail = /((?:\\\.[a-z0-9-]+){2,})(?:\(\?:|\()?(?::\\d[^$]*)?\$?$/.exec(source);
  const scheme = source.includes('http:') && !source.includes('https') ? 'http' : 'https';
  return tail === null
    ? `the exact origins, or a pattern such as '${scheme}://*.example.com'`
    : `'${scheme}://*${(tail[1] as string).replace(/\\\./g, '.')}'`;
}

/** A recursive-descent reader of the RegExp subset; throws {@link Refusal}. */
class Parser {
  private i = 0;

  constructor(
    private readonly source: string,
    private readonly ignoreCase: boolean,
    private readonly unicodeSets: boolean,
  ) {}

  parse(): readonly (readonly Node[])[] {
    // A RegExp's source is balanced, so this reads it to the end.
    return this.alternatives();
  }

  private unsupported(what: string): never {
    return refuse(
      'origin_regexp_unsupported',
      `uses ${what}, which the origin check cannot prove safe; list the origins as strings, or write ${suggestPatternFor(this.source)}.`,
    );
  }

  private alternatives(): Node[][] {
    const alternatives: Node[][] = [this.sequence()];
    while (this.source[this.i] === '|') {
      this.i++;
      alternatives.push(this.sequence());
    }
    return alternatives;
  }

  private sequence(): Node[] {
    const nodes: Node[] = [];
    while (this.i < this.source.length) {
      const ch = this.source[this.i];
      if (ch === '|' || ch === ')') break;
      nodes.push(this.quantified(this.i));
    }
    return nodes;
  }

  private quantified(start: number): Node {
    const atom = this.atom();
    const { min, max } = this.quantifier();
    const source = this.source.slice(start, this.i);
    if (atom.kind === 'char') return { kind: 'char', char: atom.char, min, max };
    if (atom.kind === 'class') return { kind: 'class', set: atom.set, source, min, max };
    return { kind: 'group', alternatives: atom.alternatives, source, min, max };
  }

  private quantifier(): { min: number; max: number } {
    const s = this.source;
    let min = 1;
    let max = 1;
    const ch = s[this.i];
    if (ch === '?' || ch === '*' || ch === '+') {
      this.i++;
      min = ch === '+' ? 1 : 0;
      max = ch === '?' ? 1 : Infinity;
    } else if (ch === '{') {
      const braces = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
      if (braces === null) return this.unsupported(`a literal '{'`);
      this.i += braces[0].length;
      min = Number(braces[1]);
      max = braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3]);
    } else {
      return { min, max };
    }
    if (s[this.i] === '?') this.i++; // lazy: the same matches, in another order
    return { min, max };
  }

  private atom():
    | { kind: 'char'; char: string }
    | { kind: 'class'; set: CharSet }
    | { kind: 'group'; alternatives: Node[][] } {
    const s = this.source;
    const ch = s[this.i] as string;
    if (ch === '(') {
      this.i++;
      if (s.startsWith('?:', this.i)) this.i += 2;
      else if (/^\?<[A-Za-z_$][\w$]*>/.test(s.slice(this.i))) this.i = s.indexOf('>', this.i) + 1;
      else if (s[this.i] === '?') this.unsupported('a lookaround');
      const alternatives = this.alternatives();
      this.i++; // ')'
      return { kind: 'group', alternatives };
    }
    if (ch === '[') return { kind: 'class', set: this.characterClass() };
    if (ch === '.') {
      return refuse(
        'origin_regexp_unescaped_dot',
        `has an unescaped '.', which matches any character (so /^https:\\/\\/app.?example\\.com$/ matches https://appxexample.com, and /^.*$/ every origin); write '\\.' for a literal dot, or ${suggestPatternFor(s)}.`,
      );
    }
    if (ch === '\\') {
      const escaped = this.escape();
      if (typeof escaped === 'string') return { kind: 'char', char: this.fold(escaped) };
      return { kind: 'class', set: escaped };
    }
    if (ch === '^' || ch === '$') this.unsupported(`'${ch}' inside the expression`);
    if (ch === '*' || ch === '+' || ch === '?' || ch === '{' || ch === ']' || ch === '}')
      this.unsupported(`a stray '${ch}'`);
    this.i++;
    return { kind: 'char', char: this.fold(ch) };
  }

  private fold(char: string): string {
    return this.ignoreCase ? char.toLowerCase() : char;
  }

  /** After a backslash: a literal character, or the class of `\d` / `\w`. */
  private escape(): string | CharSet {
    // Never past the end: a source ending in a lone backslash is not a RegExp (and '\\$' is not anchored).
    const next = this.source[this.i + 1] as string;
    this.i += 2;
    if (next === 'd') return charSet(DIGITS, false);
    if (next === 'w') return charSet(WORD, false);
    if (/[A-Za-z0-9]/.test(next)) {
      return this.unsupported(`the escape '\\${next}'`);
    }
    return next;
  }

  private characterClass(): CharSet {
    const s = this.source;
    this.i++;
    const negated = s[this.i] === '^';
    if (negated) this.i++;
    const codes: number[] = [];
    const add = (code: number) => {
      codes.push(code);
      if (this.ignoreCase) {
        const char = String.fromCharCode(code);
        codes.push(char.toLowerCase().charCodeAt(0), char.toUpperCase().charCodeAt(0));
      }
    };
    while (s[this.i] !== ']') {
      if (
        this.unicodeSets &&
        (s[this.i] === '[' || s.startsWith('--', this.i) || s.startsWith('&&', this.i))
      )
        this.unsupported('a set operation of the v flag');
      let first: string | CharSet;
      if (s[this.i] === '\\') first = this.escape();
      else first = s[this.i++] as string;
      if (typeof first !== 'string') {
        first.ascii.forEach((v, code) => v === 1 && add(code));
        continue;
      }
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
        this.i++;
        const last = s[this.i] === '\\' ? this.escape() : (s[this.i++] as string);
        if (typeof last !== 'string' || last < first)
          this.unsupported('a class range it cannot read');
        for (const code of range(first, last as string)) add(code);
      } else {
        add(first.charCodeAt(0));
      }
    }
    this.i++;
    return charSet(
      codes.filter((code) => code < 128),
      negated,
    );
  }
}

/** Every way through `nodes`, laid out flat (at most {@link MAX_REGEXP_EXPANSIONS}). */
function expand(nodes: readonly Node[], source: string): FlatAtom[][] {
  let forms: FlatAtom[][] = [[]];
  const tooMany = () =>
    refuse(
      'origin_regexp_unsupported',
      `has more than ${MAX_REGEXP_EXPANSIONS} ways through its alternatives; list the origins as strings in an array instead.`,
    );
  const append = (options: readonly FlatAtom[][]) => {
    const next: FlatAtom[][] = [];
    for (const form of forms) for (const option of options) next.push([...form, ...option]);
    if (next.length > MAX_REGEXP_EXPANSIONS) tooMany();
    forms = next;
  };
  for (const node of nodes) {
    if (node.kind === 'class') {
      const { set, min, max, source: text } = node;
      append([[{ kind: 'class', set, min, max, source: text }]]);
      continue;
    }
    if (node.kind === 'char' && node.min !== node.max && !(node.min === 0 && node.max === 1)) {
      // a+ or a{2,5}: a class of one character (a? and a{3} are laid out instead).
      const set = charSet([node.char.charCodeAt(0)], false);
      append([[{ kind: 'class', set, min: node.min, max: node.max, source: node.char }]]);
      continue;
    }
    if (node.kind === 'group' && node.max === Infinity) {
      // Whole labels, any number: "none" and "one or more" are two forms (the apex, and under it).
      const labels = labelsIdiom(node, source);
      append(node.min === 0 ? [[], [{ ...labels, min: 1 }]] : [[labels]]);
      continue;
    }
    const body: FlatAtom[][] =
      node.kind === 'char'
        ? [[{ kind: 'char', char: node.char }]]
        : node.alternatives.flatMap((alternative) => expand(alternative, source));
    if (node.max > 4) {
      refuse(
        'origin_regexp_unsupported',
        `repeats the group ${(node as { source: string }).source} up to ${node.max} times; write it out, or list the origins as strings.`,
      );
    }
    // x? is "nothing, or x"; (x){2,3} is "xx or xxx".
    const options: FlatAtom[][] = [];
    let repeated: FlatAtom[][] = [[]];
    for (let count = 0; count <= node.max; count++) {
      if (count >= node.min) options.push(...repeated);
      if (options.length > MAX_REGEXP_EXPANSIONS) tooMany();
      const next: FlatAtom[][] = [];
      for (const prefix of repeated) for (const form of body) next.push([...prefix, ...form]);
      repeated = next;
    }
    append(options);
  }
  return forms;
}

/** `([a-z0-9-]+\.)*` or `+`: whole labels, each a class run ended by a dot it cannot match. */
function labelsIdiom(
  node: Extract<Node, { kind: 'group' }>,
  source: string,
): Extract<FlatAtom, { kind: 'labels' }> {
  const only = node.alternatives.length === 1 ? node.alternatives[0] : undefined;
  const [run, dot] = only ?? [];
  if (
    only?.length === 2 &&
    run?.kind === 'class' &&
    run.min >= 1 &&
    dot?.kind === 'char' &&
    dot.char === '.' &&
    dot.min === 1 &&
    dot.max === 1 &&
    !has(run.set, '.')
  ) {
    return { kind: 'labels', set: run.set, min: node.min, source: node.source };
  }
  return refuse(
    'origin_regexp_backtracking',
    `repeats the group ${node.source} without bound; only whole labels such as ([a-z0-9-]+\\.)* may repeat (other repeated groups can backtrack catastrophically on a crafted Origin). Write ${suggestPatternFor(source)}.`,
  );
}

const HOST_FORBIDDEN = ['.', '/', ':', '@'];

/** The exact origin or pattern that covers one flat form. */
function coverOf(form: readonly FlatAtom[], source: string): { cover: string; exact: boolean } {
  const literal = (atom: FlatAtom | undefined): string | null =>
    atom?.kind === 'char' ? atom.char : null;
  let separator = -1;
  for (let i = 0; i + 2 < form.length; i++) {
    if (literal(form[i]) === ':' && literal(form[i + 1]) === '/' && literal(form[i + 2]) === '/') {
      separator = i;
      break;
    }
  }
  const firstClass = form.findIndex((atom) => atom.kind !== 'char');
  if (separator < 0 || (firstClass >= 0 && firstClass < separator)) {
    return refuse(
      'origin_regexp_too_broad',
      separator < 0 && firstClass < 0
        ? `does not spell an origin (scheme://host); list the origins as strings, e.g. 'https://app.example.com'.`
        : `lets the scheme vary beyond a literal, so it can match origins of any scheme; write the scheme out, e.g. ${suggestPatternFor(source)}.`,
    );
  }
  const scheme = form
    .slice(0, separator)
    .map((atom) => literal(atom))
    .join('');
  const rest = form.slice(separator + 3);
  const portAt = rest.findIndex((atom) => literal(atom) === ':');
  const host = portAt < 0 ? rest : rest.slice(0, portAt);
  const port = portAt < 0 ? [] : rest.slice(portAt + 1);

  const text = (atoms: readonly FlatAtom[]) => atoms.map((atom) => literal(atom)).join('');
  const portText =
    port.length === 0 ? '' : port.every((atom) => atom.kind === 'char') ? `:${text(port)}` : ':*';
  const lastClass = host.reduce((last, atom, index) => (atom.kind === 'char' ? last : index), -1);
  if (lastClass < 0) {
    checkClasses(rest, portAt, source);
    return {
      cover: `${scheme}://${text(host)}${portText}`,
      exact: port.every((a) => a.kind === 'char'),
    };
  }
  // Whole labels end with their own dot.
  const after = text(host.slice(lastClass + 1));
  const suffix = host[lastClass]?.kind === 'labels' && after !== '' ? `.${after}` : after;
  if (!suffix.startsWith('.') || suffix.length < 2) {
    const atom = host[lastClass] as Exclude<FlatAtom, { kind: 'char' }>;
    return refuse(
      'origin_regexp_too_broad',
      `lets ${atom.source} reach into the domain name itself${suffix === '' ? '' : ` ('…${suffix}' is not a whole domain)`}, so it can match other people's domains (e.g. https://evil${suffix}); end the variable part with '\\.' before your domain, or write ${suggestPatternFor(source)}.`,
    );
  }
  checkClasses(rest, portAt, source);
  return { cover: `${scheme}://*${suffix}${portText}`, exact: false };
}

/** Every class stays inside one host label (or, in the port, digits), and leaves the engine one way to split. */
function checkClasses(rest: readonly FlatAtom[], portAt: number, source: string): void {
  rest.forEach((atom, index) => {
    if (atom.kind === 'char') return;
    const inHost = portAt < 0 || index < portAt;
    const spans = inHost
      ? HOST_FORBIDDEN.filter((char) => has(atom.set, char))
      : atom.set.ascii.some((v, code) => v === 1 && (code < 0x30 || code > 0x39)) ||
          atom.set.nonAscii
        ? ['a non-digit']
        : [];
    if (spans.length > 0) {
      refuse(
        'origin_regexp_too_broad',
        `has the class ${atom.source}, which can match ${spans.map((c) => (c.length === 1 ? `'${c}'` : c)).join(', ')} and so reach outside one domain (e.g. https://evil.com${inHost ? '' : ':x'}); write ${suggestPatternFor(source)}.`,
      );
    }
    // Linear time: a repeated class is followed by a character it cannot match, so the engine never
    // has two ways to split the input; whole labels end at their own dot.
    const next = rest[index + 1];
    const choice = atom.kind === 'labels' || atom.min !== atom.max;
    if (
      choice &&
      next !== undefined &&
      (next.kind !== 'char' || (atom.kind === 'class' && has(atom.set, next.char)))
    ) {
      refuse(
        'origin_regexp_backtracking',
        `has ${atom.source} followed by ${next.kind === 'char' ? `'${next.char}'` : next.source}, which it can also match: two quantifiers compete for the same characters, and matching can take super-linear time on a crafted Origin. Write ${suggestPatternFor(source)}.`,
      );
    }
  });
}

/** Analyses an origin RegExp: what it can match, or why it is refused. */
export function analyseOriginRegExp(regexp: RegExp): RegExpAnalysis {
  const source = regexp.source;
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) {
    return {
      kind: 'refused',
      problem: {
        code: 'origin_regexp_unanchored',
        message: `must be anchored with ^ and $, or it matches origins that merely contain the text (e.g. https://example.com.evil.com); write ${anchoredSuggestion(source)}.`,
      },
    };
  }
  const body = source.slice(1, -1);
  if (/\$\|\^?|\|\^/.test(body)) {
    return {
      kind: 'refused',
      problem: {
        code: 'origin_regexp_unanchored',
        message: `has a top-level '|', so ^ and $ anchor only the first and last alternatives; group them: /^(?:${body.replace(/\$\|\^?|\|\^/g, '|')})$/.`,
      },
    };
  }
  try {
    const alternatives = new Parser(
      body,
      regexp.flags.includes('i'),
      regexp.flags.includes('v'),
    ).parse();
    if (alternatives.length > 1) {
      return {
        kind: 'refused',
        problem: {
          code: 'origin_regexp_unanchored',
          message: `has a top-level '|', so ^ and $ anchor only the first and last alternatives; group them: /^(?:${body})$/.`,
        },
      };
    }
    const forms = expand(alternatives[0] as Node[], body);
    const covers: string[] = [];
    let exact = true;
    for (const form of forms) {
      const covered = coverOf(form, body);
      if (!covers.includes(covered.cover)) covers.push(covered.cover);
      exact &&= covered.exact;
    }
    return {
      kind: 'covered',
      covers,
      exact,
      forms,
      regexp: /[gy]/.test(regexp.flags)
        ? new RegExp(source, regexp.flags.replace(/[gy]/g, ''))
        : regexp,
    };
  } catch (error) {
    if (error instanceof Refusal) return { kind: 'refused', problem: error.problem };
    throw error;
  }
}

/** The fix to suggest for an unanchored RegExp: a whole anchored origin, or a pattern. */
function anchoredSuggestion(source: string): string {
  let body = source.replace(/^\^/, '').replace(/\$$/, '');
  // /\.example\.com$/ means "any subdomain": that is what a pattern string says, safely.
  if (/^(\\\.[a-z0-9-]+)+$/.test(body))
    return `the pattern 'https://*${body.replace(/\\\./g, '.')}'`;
  if (!/^[a-z([]/.test(body) || !body.includes(':'))
    body = `https:\\/\\/${body.replace(/^(\\\/)+/, '')}`;
  return `/^${body}$/`;
}
