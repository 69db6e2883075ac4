/**
 * Reading what an adapter is given, the same way in every adapter: a policy, a selector, or an
 * object holding either the core's options or `policy`, next to the adapter's own options
 * (the listeners `onDecision` and `onCrossOriginDecision` in every adapter, Fastify's `hook`...).
 * The adapter's own options are taken out and checked here; everything else is the core's, and
 * `createCorsPolicy` reports it.
 */
import {
  CorsAdapterError,
  ERR_CORS_ADAPTER_OPTIONS,
  checkDecisionListener,
} from './adapter-errors.js';
import { corsPolicySource, type CorsPolicySource } from './adapter.js';
import {
  createCrossOriginProtection,
  type CrossOriginProtection,
  type CrossOriginProtectionOptions,
} from './cross-origin-protection.js';
import { createCorsPolicy } from './policy.js';
import type { CorsOptions } from './types.js';

/**
 * What one of an adapter's own options may be: one of a list of strings, a value of a type, or
 * nothing at all (`{ refused }`: an option of something else, such as the framework's, that has no
 * effect here; giving it throws with `refused`, the fix). The listeners and `policy` are every
 * adapter's and need no spec.
 */
export type AdapterOptionSpec =
  readonly string[] | 'boolean' | 'string' | { readonly refused: string };

/**
 * The listeners every adapter takes, in its options or in its second argument (`adapterOptions`,
 * beside a policy or a selector): each a function `(decision, request) => void`, checked here.
 */
const LISTENERS = ['onDecision', 'onCrossOriginDecision'] as const;

/** An adapter's second argument, beside a policy or a selector: its listeners. */
export interface AdapterListenerOptions {
  /** Called with each CORS decision and the framework's request. */
  readonly onDecision?: unknown;
  /** Called with each cross-origin (CSRF) decision and the framework's request. */
  readonly onCrossOriginDecision?: unknown;
}

/** What {@link readAdapterOptions} found. */
export interface AdapterOptions<Request> {
  /** The policy given, the selector given, or the policy compiled from the core's options. */
  readonly source: CorsPolicySource<Request>;
  /**
   * The adapter's own options that were given, each checked: the listeners (`onDecision`,
   * `onCrossOriginDecision`) included, those of `adapterOptions` filling in what options leave out.
   */
  readonly own: Readonly<Record<string, unknown>>;
}

/**
 * Reads an adapter's options once, at start-up. A wrong option of the adapter throws a
 * {@link CorsAdapterError} (`ERR_CORS_ADAPTER_OPTIONS`) naming it and the fix; a wrong option of
 * the core throws the core's `CorsConfigError`, which lists every problem.
 *
 * @param adapter - The adapter's name, which starts every message, e.g. `'@cors/fastify'`.
 * @param spec - The adapter's own options besides the listeners and `policy`.
 * @param adapterOptions - The adapter's second argument, if it takes one: listeners used where
 * `options` has none (with a policy or a selector, it is where they are given).
 * @example
 * const { source, own } = readAdapterOptions<FastifyRequest>('@cors/fastify', options, {
 *   hook: ['onRequest', 'preHandler'],
 *   notFound: 'boolean',
 * });
 */
export function readAdapterOptions<Request>(
  adapter: string,
  options: unknown,
  spec: Readonly<Record<string, AdapterOptionSpec>> = {},
  adapterOptions?: AdapterListenerOptions,
): AdapterOptions<Request> {
  const given = corsPolicySource<Request>(options);
  if (given !== undefined) return { source: given, own: listeners(adapter, {}, adapterOptions) };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError(
      adapter,
      'options',
      `expected the CORS options (with \`origin\`), a policy from createCorsPolicy(), or a function returning one; got ${describe(options)}.`,
    );
  }
  const own: Record<string, unknown> = {};
  const core: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    const isOwn =
      Object.hasOwn(spec, name) ||
      name === 'policy' ||
      (LISTENERS as readonly string[]).includes(name);
    (isOwn ? own : core)[name] = value;
  }
  for (const name of Object.keys(spec)) checkOption(adapter, name, own[name], spec[name]);
  const { policy, ...rest } = listeners(adapter, own, adapterOptions);
  if (policy === undefined)
    return { source: createCorsPolicy(core as unknown as CorsOptions), own: rest };
  const source = corsPolicySource<Request>(policy);
  if (source === undefined)
    throw optionError(
      adapter,
      'policy',
      '`policy` must be a policy made by createCorsPolicy(), or a function of the request returning one.',
    );
  const coreNames = Object.keys(core);
  if (coreNames.length > 0)
    throw optionError(
      adapter,
      'policy',
      `give either \`policy\` or the core's options, not both (found ${coreNames.join(', ')}).`,
    );
  return { source, own: rest };
}

/** What {@link readProtectionOptions} found. */
export interface ProtectionAdapterOptions<Listener> {
  /** The protection, compiled (and validated) once. */
  readonly protection: CrossOriginProtection;
  /** The listener given, checked. */
  readonly onCrossOriginDecision: Listener | undefined;
}

/**
 * Reads the options of an adapter's standalone cross-origin protection (`crossOriginProtection()`
 * in @cors/node, @cors/koa, @cors/hono and @cors/fastify, `withCrossOriginProtection` in
 * @cors/fetch): the core's protection options plus `onCrossOriginDecision`, which is taken out
 * and checked as {@link readAdapterOptions} checks it. A wrong protection option throws the core's
 * `CorsConfigError`, listing every problem, at start-up.
 *
 * @example
 * const { protection, onCrossOriginDecision } = readProtectionOptions('@cors/koa', options);
 */
export function readProtectionOptions<Listener>(
  adapter: string,
  options: CrossOriginProtectionOptions & { readonly onCrossOriginDecision?: Listener } = {},
): ProtectionAdapterOptions<Listener> {
  const { onCrossOriginDecision, ...protectionOptions } = options;
  checkDecisionListener(onCrossOriginDecision, adapter, 'onCrossOriginDecision');
  return { protection: createCrossOriginProtection(protectionOptions), onCrossOriginDecision };
}

/** `own` with each listener it lacks taken from `adapterOptions`, every listener checked. */
function listeners(
  adapter: string,
  own: Record<string, unknown>,
  adapterOptions: AdapterListenerOptions | undefined,
): Record<string, unknown> {
  for (const name of LISTENERS) {
    const value = own[name] === undefined ? adapterOptions?.[name] : own[name];
    checkDecisionListener(value, adapter, name);
    if (value !== undefined) own[name] = value;
  }
  return own;
}

function checkOption(
  adapter: string,
  name: string,
  value: unknown,
  spec: AdapterOptionSpec | undefined,
): void {
  if (value === undefined) return;
  if (typeof spec === 'object' && 'refused' in spec) throw optionError(adapter, name, spec.refused);
  if (Array.isArray(spec)) {
    if (typeof value === 'string' && spec.includes(value)) return;
    const allowed = spec.map((item) => `'${item}'`).join(', ');
    throw optionError(
      adapter,
      name,
      `\`${name}\` must be one of ${allowed}; got ${JSON.stringify(value)}.`,
    );
  }
  if (typeof value === spec) return;
  const expected = spec === 'boolean' ? 'true or false' : 'a string';
  throw optionError(adapter, name, `\`${name}\` must be ${expected}; got ${describe(value)}.`);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function optionError(adapter: string, option: string, message: string): CorsAdapterError {
  return new CorsAdapterError(ERR_CORS_ADAPTER_OPTIONS, option, `${adapter}: ${message}`);
}
