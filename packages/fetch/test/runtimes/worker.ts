/** The spec server as a Cloudflare Worker (module syntax), run by workerd. */
import { appFetch } from './app.js';

export default { fetch: appFetch };
