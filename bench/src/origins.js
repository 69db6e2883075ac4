// The origins, methods and headers every policy is made of (see ./scenarios.js), in a module of
// their own so that a fresh process (./startup-child.js) can use them without building the
// scenarios' long lists.
export const APP = 'https://app.example.com';
export const EVIL = 'https://evil.example';
export const TENANT = 'https://tenant42.example.com';
/** The peers' spelling of the subdomain pattern `https://*.example.com`. */
export const SUBDOMAIN_REGEXP = /^https:\/\/[a-z0-9-]+\.example\.com$/;
export const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
export const ALLOWED_HEADERS = ['Content-Type', 'X-Custom'];

/** `n` origins, `APP` last: every linear scan walks the whole list. */
export function listEndingWithApp(n) {
  return [...Array.from({ length: n - 1 }, (_, i) => `https://app${i}.example.net`), APP];
}

/** The five origins of the start-up figure's policy. */
export const FIVE_ORIGINS = [
  APP,
  'https://admin.example.com',
  'http://localhost:3000',
  'https://www.example.org',
  'https://shop.example.net',
];
