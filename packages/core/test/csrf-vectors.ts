/**
 * The cross-origin protection (CSRF) table, typed. Adapters import it with a relative path (it is
 * test data, not part of the published package) and replay each vector over real HTTP: send
 * `request` (repeating a header given as an array), then compare the decision they report (or 403
 * against the route's answer) with `expect`.
 */
import data from './csrf-vectors.json' with { type: 'json' };
import {
  createCrossOriginProtection,
  createCrossOriginProtectionFromCors,
  type CorsOptions,
  type CrossOriginDecision,
  type CrossOriginProtection,
  type CrossOriginProtectionOptions,
} from '../src/index.js';

/** One option set: the CORS policy whose credentialed origins are trusted (if any), and the options. */
export interface CsrfOptionSet {
  readonly cors?: CorsOptions;
  readonly protection: CrossOriginProtectionOptions;
}

export interface CsrfVector {
  readonly name: string;
  /** A key of {@link csrfOptionSets}. */
  readonly options: string;
  readonly request: {
    readonly method: string;
    /** The request-target exactly as sent. */
    readonly path: string;
    /** Lower-case names; an array is sent as repeated lines. */
    readonly headers: Readonly<Record<string, string | readonly string[]>>;
    readonly body?: string;
  };
  readonly expect: Pick<CrossOriginDecision, 'allowed' | 'reason'>;
}

export const csrfOptionSets = data.options as unknown as Readonly<Record<string, CsrfOptionSet>>;
export const csrfVectors = data.vectors as unknown as readonly CsrfVector[];
/** The TCP peer of every vector's request: loopback, as when the table is replayed. */
export const csrfPeerAddress: string = data.peerAddress;

/** The protection an option set describes, as an adapter's `crossOriginProtection` option will build it. */
export function protectionFor(name: string): CrossOriginProtection {
  const set = csrfOptionSets[name];
  if (set === undefined) throw new Error(`no CSRF option set named ${name}`);
  return set.cors === undefined
    ? createCrossOriginProtection(set.protection)
    : createCrossOriginProtectionFromCors(set.cors, set.protection);
}

/**
 * CORS options whose `crossOriginProtection` makes the protection of an option set, as an adapter
 * is given them: the set's CORS policy, or (for a set without one) a policy that trusts no origin
 * for writes (it allows one origin, without credentials).
 */
export function corsOptionsFor(name: string): CorsOptions {
  const set = csrfOptionSets[name];
  if (set === undefined) throw new Error(`no CSRF option set named ${name}`);
  const cors: CorsOptions = set.cors ?? { origin: ['https://reader.example'] };
  return { ...cors, crossOriginProtection: set.protection } as CorsOptions;
}
