/**
 * Real Nest applications on loopback, on either platform, and raw HTTP requests (node:http, so
 * that header lines, duplicates included, are sent exactly as written).
 */
import 'reflect-metadata';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

export type Platform = 'express' | 'fastify';
export const platforms: Platform[] = ['express', 'fastify'];

export function adapterFor(platform: Platform): ExpressAdapter | FastifyAdapter {
  return platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
}

export interface Started {
  readonly app: INestApplication;
  readonly port: number;
  close(): Promise<void>;
}

/** Creates, configures and starts an application on 127.0.0.1, port 0. */
export async function start(
  platform: Platform,
  module: unknown,
  configure?: (app: INestApplication) => void | Promise<void>,
  options: Record<string, unknown> = {},
): Promise<Started> {
  const app = await NestFactory.create(module as never, adapterFor(platform) as never, {
    logger: false,
    abortOnError: false,
    ...options,
  });
  try {
    await configure?.(app);
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, close: () => app.close() };
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Sends one request; `headers` may repeat a name (raw header lines, in order). */
export function send(
  port: number,
  method: string,
  path: string,
  headers: [string, string][] = [],
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // Raw header lines replace Node's defaults, Host included.
    const raw: string[] = ['host', `127.0.0.1:${port}`];
    for (const [name, value] of headers) raw.push(name, value);
    // An explicit length: without one Node streams a POST as chunked, which Fastify reads as a body.
    raw.push('content-length', String(body === undefined ? 0 : Buffer.byteLength(body)));
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: raw as unknown as Record<string, string> },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The CORS part of a response: every `access-control-*` header. */
export function corsHeaders(reply: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (name.startsWith('access-control-')) out[name] = String(value);
  }
  return out;
}

/** The tokens of `Vary`, as written. */
export function varyTokens(reply: Reply): string[] {
  const vary = reply.headers.vary;
  if (vary === undefined) return [];
  return String(vary)
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
}

/** What must be the same on both platforms: status, CORS headers, Vary, body. */
export function observable(reply: Reply): unknown {
  return {
    status: reply.status,
    cors: corsHeaders(reply),
    vary: reply.headers.vary ?? null,
    // Content-Length of bodies may differ (JSON spacing is the same, but charsets are not).
    contentLength: reply.body === '' ? (reply.headers['content-length'] ?? null) : 'non-empty',
    body: reply.body,
  };
}
