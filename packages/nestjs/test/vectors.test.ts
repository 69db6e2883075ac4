/**
 * The core's spec table, replayed over HTTP against a Nest application on each platform: the
 * CORS headers must be exactly the vector's, and the route must run exactly when the vector says.
 */
import { All, Controller, HttpCode, Module } from '@nestjs/common';
import type { CorsOptions } from '@cors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPolicies, specVectors } from '../../core/test/vectors.js';
import { CorsModule } from '../src/index.js';
import {
  corsHeaders,
  platforms,
  send,
  start,
  varyTokens,
  type Platform,
  type Started,
} from './helpers.js';

let routeRuns = 0;

@Controller('resource')
class ResourceController {
  @All()
  @HttpCode(200)
  handle() {
    routeRuns++;
    return 'route';
  }
}

function moduleFor(options: CorsOptions) {
  @Module({ imports: [CorsModule.forRoot(options)], controllers: [ResourceController] })
  class VectorModule {}
  return VectorModule;
}

const requestHeaderNames = {
  origin: 'origin',
  requestMethod: 'access-control-request-method',
  requestHeaders: 'access-control-request-headers',
  requestPrivateNetwork: 'access-control-request-private-network',
} as const;

describe.each(platforms)('spec vectors over HTTP on %s', (platform: Platform) => {
  const servers = new Map<string, Started>();

  beforeAll(async () => {
    for (const [name, options] of Object.entries(specPolicies)) {
      servers.set(name, await start(platform, moduleFor(options)));
    }
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()));
  });

  for (const vector of specVectors) {
    it(vector.name, async () => {
      const server = servers.get(vector.policy);
      expect(server, `no server for policy ${vector.policy}`).toBeDefined();
      const headers: [string, string][] = [];
      for (const [key, name] of Object.entries(requestHeaderNames)) {
        const value = vector.request[key as keyof typeof requestHeaderNames];
        if (value !== undefined && value !== null) headers.push([name, value]);
      }
      const before = routeRuns;
      const reply = await send(server!.port, vector.request.method, '/resource', headers);

      expect(corsHeaders(reply)).toEqual(vector.expect.headers);
      const vary = varyTokens(reply).map((token) => token.toLowerCase());
      const expected = vector.expect.vary
        .split(',')
        .map((token) => token.trim().toLowerCase())
        .filter((token) => token !== '');
      for (const token of expected) expect(vary).toContain(token);
      if (!expected.includes('origin')) expect(vary).not.toContain('origin');

      if (vector.expect.end) {
        expect(reply.status).toBe(vector.expect.status);
        expect(reply.body).toBe('');
        expect(routeRuns).toBe(before);
      } else {
        expect(reply.status).toBe(200);
        expect(reply.body).toBe('route');
        expect(routeRuns).toBe(before + 1);
      }
    });
  }
});
