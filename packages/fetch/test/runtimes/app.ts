/** What every runtime serves: the spec table's server and the behaviour routes. */
import { behaviourFetch } from './behaviour-app.js';
import { specFetch } from './spec-app.js';

export function appFetch(request: Request): Response | Promise<Response> {
  return new URL(request.url).pathname.startsWith('/behaviour/')
    ? behaviourFetch(request)
    : specFetch(request);
}
