/**
 * `@Cors()`: a per-controller or per-handler policy. The options are compiled when the decorator
 * is applied (when the class is defined), so a bad option fails at import time, and requests only
 * look the compiled policy up.
 */
import { compileCors, type CompiledCors, type CorsRouteOptions } from './options.js';

/** The metadata key under which `@Cors()` stores its compiled policy. */
export const CORS_METADATA = '@cors/nestjs:route';

/** What `@Cors()` stores: a policy, "no CORS", or "the module's policy". */
export type RouteCorsMetadata =
  | { readonly kind: 'policy'; readonly cors: CompiledCors }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'module' };

/**
 * Set once any `@Cors()` is applied, in this or any other copy of this package (hence a registry
 * symbol on the global object): until then no route has a policy of its own, and requests skip
 * looking up their route (on Express, a walk of the router's layers, about 0.7 µs per request).
 */
const ROUTE_POLICIES = Symbol.for('@cors/nestjs:route-policies');

/** Whether any route may have a `@Cors()` of its own. */
export function routePoliciesDeclared(): boolean {
  return (globalThis as Record<symbol, unknown>)[ROUTE_POLICIES] === true;
}

const DISABLED: RouteCorsMetadata = Object.freeze({ kind: 'disabled' });
const MODULE: RouteCorsMetadata = Object.freeze({ kind: 'module' });

/**
 * Overrides the module's CORS policy for a controller (every handler it declares; an inherited one
 * keeps its own class's) or a handler, for its actual requests and for the preflights that ask for
 * it. A handler's `@Cors()` wins over its controller's. Needs `CorsModule` in the application.
 *
 * - `@Cors({ origin: [...], ... })` or `@Cors(policy)`: this policy instead of the module's (not
 *   merged with it), its `crossOriginProtection` (or none) included. Its decisions go to the
 *   listeners given with it (`onDecision`, `onCrossOriginDecision`); given none, to the module's.
 * - `@Cors(false)`: no CORS headers on these routes, their preflights refused with 403, and no
 *   cross-origin protection.
 * - `@Cors(true)`: the module's policy (e.g. one public handler in a `@Cors(false)` controller).
 *
 * @example
 * ```ts
 * @Cors({ origin: ['https://admin.example.com'] })
 * @Controller('admin')
 * export class AdminController {
 *   @Get('stats') stats() {}
 *   @Cors(false) @Post('purge') purge() {}
 * }
 * ```
 */
export function Cors(options: CorsRouteOptions): ClassDecorator & MethodDecorator {
  let metadata: RouteCorsMetadata;
  if (options === false) metadata = DISABLED;
  else if (options === true) metadata = MODULE;
  else metadata = Object.freeze({ kind: 'policy', cors: compileCors(options, '@Cors()') });
  // Where Nest's `SetMetadata` puts it: on the method, or on the controller class.
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    (globalThis as Record<symbol, unknown>)[ROUTE_POLICIES] = true;
    const holder = (descriptor?.value as object | undefined) ?? target;
    Reflect.defineMetadata(CORS_METADATA, metadata, holder);
    if (descriptor !== undefined) return;
    // Nest registers for each route a function carrying its method's metadata, not its
    // controller's: the controller's policy goes to each method that has none of its own (method
    // decorators run first). An inherited method keeps the policy of the class declaring it.
    const prototype = (target as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (typeof method === 'function' && !Reflect.hasOwnMetadata(CORS_METADATA, method))
        Reflect.defineMetadata(CORS_METADATA, metadata, method);
    }
  };
}
