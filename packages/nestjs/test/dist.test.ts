/**
 * The built package, loaded by plain Node as users load it (ESM and CommonJS), in a Nest app
 * written in plain JavaScript (decorators called as functions) on both platforms. h3's lesson: a
 * bundler once dropped code the source needed. `npm test` runs after `npm run build` (turbo).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const script = (load: string) => `
${load}
const http = require('node:http');
const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';

class Hello { hello() { return 'hello'; } off() { return 'off'; } }
const proto = Hello.prototype;
const method = (name, ...decorators) => {
  for (const decorator of decorators) decorator(proto, name, Object.getOwnPropertyDescriptor(proto, name));
};
method('hello', common.Get('hello'));
method('off', common.Get('off'), nest.Cors(false));
nest.Cors({ origin: [ADMIN, APP] })(Hello);
common.Controller('api')(Hello);

class AppModule {}
common.Module({ imports: [nest.CorsModule.forRoot({ origin: [APP] })], controllers: [Hello] })(AppModule);

const send = (port, method, path, headers) => new Promise((resolve, reject) => {
  const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
    res.resume();
    res.on('end', () => resolve({ status: res.statusCode, acao: res.headers['access-control-allow-origin'] ?? null }));
  });
  req.on('error', reject);
  req.end();
});

(async () => {
  const out = {};
  for (const [name, adapter] of [['express', () => new (require('@nestjs/platform-express').ExpressAdapter)()], ['fastify', () => new (require('@nestjs/platform-fastify').FastifyAdapter)()]]) {
    const app = await core.NestFactory.create(AppModule, adapter(), { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const port = app.getHttpServer().address().port;
    out[name] = [
      await send(port, 'GET', '/api/hello', { origin: ADMIN }),
      await send(port, 'OPTIONS', '/api/off', { origin: ADMIN, 'access-control-request-method': 'GET' }),
      await send(port, 'OPTIONS', '/nowhere', { origin: APP, 'access-control-request-method': 'GET' }),
    ];
    let code = null;
    try { app.enableCors(); } catch (error) { code = error.code; }
    out[name].push(code);
    await app.close();
  }
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const requires = `
const common = require('@nestjs/common');
const core = require('@nestjs/core');
`;

describe('the built package', () => {
  it('exists (npm test builds it first)', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      expect(existsSync(`${root}dist/${file}`), file).toBe(true);
    }
  });

  it.each([
    [
      'ESM',
      [
        '--input-type=module',
        '-e',
        script(`
import { createRequire } from 'node:module';
import * as nest from '@cors/nestjs';
const require = createRequire(import.meta.url);
${requires}`),
      ],
    ],
    [
      'CommonJS',
      ['--input-type=commonjs', '-e', script(`const nest = require('@cors/nestjs');${requires}`)],
    ],
  ])('runs a plain JavaScript Nest app in %s on both platforms', (_format, args) => {
    const out = JSON.parse(
      execFileSync(process.execPath, args as string[], { cwd: root, encoding: 'utf8' }),
    );
    const expected = [
      { status: 200, acao: 'https://admin.example.com' },
      { status: 403, acao: null },
      { status: 204, acao: 'https://app.example.com' },
      'ERR_CORS_NEST_ENABLE_CORS',
    ];
    expect(out).toEqual({ express: expected, fastify: expected });
  });
});
