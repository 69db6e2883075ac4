/**
 * The policy every adapter serves during the soak: exact origins, a subdomain pattern, a port
 * pattern, a RegExp and credentials, with requested headers reflected (the path that echoes
 * request input). Shared by the server child process and the load generator, which checks every
 * answer against the core's decision under the same policy.
 */
import type { CorsOptions } from '@cors/core';

export const SOAK_POLICY: CorsOptions = {
  origin: [
    'https://app.example.com',
    'https://*.example.com',
    'http://localhost:*',
    /^https:\/\/[a-z0-9-]+\.example\.org$/,
  ],
  credentials: true,
  methods: ['PUT', 'PATCH', 'DELETE'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};
