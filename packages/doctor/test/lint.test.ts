/** `lint`'s warnings on policies the core accepts: each one fires, and none fires on a sound policy. */
import { createCorsPolicy } from '@cors/core';
import { describe, expect, it } from 'vitest';
import { exposedHeadersNeverSent, lint, policyWarnings } from '../src/lint.js';
import { oursNode } from './servers.js';

const ids = (origin: RegExp) =>
  policyWarnings(createCorsPolicy({ origin: [origin] })).map((finding) => finding.id);

describe('lint', () => {
  it('passes a sound policy with no finding', () => {
    expect(lint({ origin: ['https://app.example.com'], credentials: true, maxAge: 7200 })).toEqual({
      issues: [],
      findings: [],
      failed: false,
    });
  });

  it('reports every issue createCorsPolicy refuses, and fails', () => {
    const result = lint({ origin: ['https://app.example.com/', 'app.example.com'], maxAge: -1 });
    expect(result.failed).toBe(true);
    expect(result.issues.map((issue) => issue.code).sort()).toEqual([
      'max_age_invalid',
      'origin_missing_scheme',
      'origin_trailing_slash',
    ]);
  });

  it('warns when maxAge is above what Chromium keeps', () => {
    const result = lint({ origin: ['https://app.example.com'], maxAge: 7201 });
    expect(result.findings.map((finding) => finding.id)).toEqual([
      'lint/max-age-above-browser-cap',
    ]);
    expect(result.failed).toBe(true);
  });

  it("relays the core's warnings: a pattern over a shared-hosting suffix, without credentials", () => {
    const result = lint({ origin: ['https://*.herokuapp.com'] });
    expect(result.issues).toEqual([]);
    expect(result.findings).toEqual([
      expect.objectContaining({
        id: 'core/origin_pattern_public_suffix',
        severity: 'warning',
        message: expect.stringContaining("origin[0] 'https://*.herokuapp.com'"),
      }),
    ]);
  });

  it('leaves RegExps no browser origin can match to the core, which refuses them', () => {
    const result = lint({ origin: [/^https:\/\/App\.example\.com$/] });
    expect(result.failed).toBe(true);
    expect(result.issues.map((issue) => issue.code)).toEqual(['origin_uppercase']);
    expect(result.findings).toEqual([]);
  });

  it('does not warn about RegExps that can match', () => {
    expect(ids(/^https:\/\/[a-z0-9-]+\.example\.com$/)).toEqual([]);
    expect(ids(/^https:\/\/(app|admin)\.example\.com$/)).toEqual([]);
    expect(ids(/^https:\/\/APP\.example\.com$/i)).toEqual([]);
    expect(ids(/^https:\/\/\w+\.example\.com(:\d+)?$/)).toEqual([]);
  });
});

describe('lint with a URL of the server', () => {
  it('notes exposed headers the server never sends', async () => {
    const options = {
      origin: ['https://app.example.com'],
      exposedHeaders: ['X-Request-Id', 'X-Total-Count'],
    };
    // The test server sends x-request-id on every answer, and no x-total-count.
    const server = await oursNode(options);
    try {
      const findings = await exposedHeadersNeverSent(
        createCorsPolicy(options),
        `${server.base}/api`,
        5000,
      );
      expect(findings).toEqual([
        expect.objectContaining({
          id: 'lint/exposed-header-never-sent',
          severity: 'info',
          message: expect.stringContaining("'x-total-count'"),
        }),
      ]);
    } finally {
      await server.close();
    }
  });
});
