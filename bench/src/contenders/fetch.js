/* global Response */
// Fetch handlers (Bun, Deno, Workers…). No peer: ours, `withCors(handler)` from @cors/fetch, is
// compared with a wrapper that sets the same headers statically. In-process only: each contender
// is called with a Request, against the bare handler.
import { loadOurs, oursOptions } from './options.js';

const handler = () => new Response('ok', { headers: { 'content-type': 'text/plain' } });

/** A wrapper that sets `fields`, or answers with `status` and them when `end` (static). */
function staticWrapper({ fields, end, status }) {
  if (end) return () => new Response(null, { status, headers: fields });
  return (request) => {
    const response = handler(request);
    for (const [name, value] of fields) response.headers.set(name, value);
    return response;
  };
}

export default {
  id: 'fetch',
  title: 'Fetch handler',
  peer: null,
  ours: '@cors/fetch',
  inprocess: [
    {
      level: 'app',
      shape: 'fetch',
      async create(kind, policy, answer) {
        if (kind === 'ours')
          return (await loadOurs('@cors/fetch', 'withCors'))(handler, oursOptions(policy));
        if (kind === 'static') return staticWrapper(answer);
        return handler;
      },
    },
  ],
};
