// One neutral policy (see ../scenarios.js) in each library's own words. The peers get the same
// array of origins, in the same order, and an anchored RegExp where ours has a pattern.
import { SUBDOMAIN_REGEXP } from '../origins.js';

/** @cors/* (the core's options). */
export function oursOptions(policy) {
  return {
    origin: policy.pattern ? ['https://*.example.com'] : policy.origins,
    credentials: policy.credentials,
    methods: policy.methods,
    ...(policy.allowedHeaders === null ? {} : { allowedHeaders: policy.allowedHeaders }),
  };
}

/** `cors`, `@fastify/cors` and Nest's `enableCors` (which hands its options to one of them). */
export function corsOptions(policy) {
  return {
    origin: policy.pattern ? SUBDOMAIN_REGEXP : policy.origins,
    credentials: policy.credentials,
    methods: policy.methods,
    ...(policy.allowedHeaders === null ? {} : { allowedHeaders: policy.allowedHeaders }),
  };
}

/**
 * `@koa/cors` takes one origin or a function of the context, so a list or a pattern is written the
 * way its README suggests: a function that returns the request's origin when it is allowed.
 */
export function koaCorsOptions(policy) {
  const origins = policy.origins;
  const isAllowed = policy.pattern
    ? (origin) => SUBDOMAIN_REGEXP.test(origin)
    : (origin) => origins.includes(origin);
  return {
    origin(ctx) {
      const origin = ctx.get('Origin');
      return isAllowed(origin) ? origin : '';
    },
    credentials: policy.credentials,
    allowMethods: policy.methods,
    ...(policy.allowedHeaders === null ? {} : { allowHeaders: policy.allowedHeaders }),
  };
}

/**
 * `hono/cors`: its origin list, or a function of the origin for the pattern (it takes no RegExp).
 * Without allowedHeaders it reflects the requested ones, as the others do.
 */
export function honoCorsOptions(policy) {
  return {
    origin: policy.pattern
      ? (origin) => (SUBDOMAIN_REGEXP.test(origin) ? origin : null)
      : policy.origins,
    credentials: policy.credentials,
    allowMethods: policy.methods,
    ...(policy.allowedHeaders === null ? {} : { allowHeaders: policy.allowedHeaders }),
  };
}

/** Thrown when an adapter of ours cannot be loaded yet: its cells are reported as missing. */
export class MissingAdapter extends Error {
  constructor(name, cause) {
    super(`${name} is not built or does not export what the bench uses (${cause})`);
    this.name = 'MissingAdapter';
  }
}

/**
 * Imports `name` and returns its export `exportName`, or throws MissingAdapter. A package whose
 * dist/ is being rebuilt (by another process) is briefly absent, so a failed import is retried for
 * up to a minute.
 */
export async function loadOurs(name, exportName) {
  let module;
  for (let attempt = 1; module === undefined; attempt++) {
    try {
      module = await import(name);
    } catch (error) {
      if (attempt === 20) throw new MissingAdapter(name, error.code ?? error.message);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
  const value = module[exportName];
  if (value === undefined) throw new MissingAdapter(name, `no export ${exportName}`);
  return value;
}
