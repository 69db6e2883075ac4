/** The spec server as a Cloudflare Worker (module syntax), run by workerd. */
import { specFetch } from './spec-app.js';

export default { fetch: specFetch };
