/** Type-checked by `deno check` against Deno's own lib: the built package's types as a Deno user sees them. */
import { applyCors, corsPreflight, withCors } from '@cors/fetch';
import { createCorsPolicy } from '@cors/core';

const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
const handle: (request: Request) => Response | Promise<Response> = withCors(
  () => new Response('ok'),
  policy,
);
const preflight: Response | undefined = corsPreflight(new Request('http://x.test/'), policy);
const applied: Response = applyCors(new Request('http://x.test/'), new Response('x'), policy);
export { applied, handle, preflight };
