/**
 * What every API of the playground shares, so that each adapter's module is only its framework's
 * idiom: the two policies, the cookie, and the route answers. API modules may use it or not.
 */
import { randomBytes } from 'node:crypto';

/** The origin of the /strict policy: not the page's, so the browser must block /strict calls. */
export const STRICT_ORIGIN = 'https://admin.example.com';

/** The main policy's options, the same for every adapter (add the adapter's `onDecision`). */
export function mainPolicyOptions(pageOrigin) {
  return {
    origin: [pageOrigin],
    credentials: true,
    allowedHeaders: ['Content-Type', 'X-Custom'],
    exposedHeaders: ['X-Request-Id'],
    maxAge: 600,
  };
}

/**
 * Options every adapter must refuse at start-up: `*` with credentials (browsers would refuse every
 * credentialed answer; peers send it anyway). Each API module's `misconfigure()` tries them.
 */
export function dangerousOptions() {
  return { origin: '*', credentials: true };
}

/** The /strict policy's options. */
export function strictPolicyOptions() {
  return { origin: [STRICT_ORIGIN] };
}

/** A `Set-Cookie` value for `POST /api/login`. */
export function sessionCookie(adapterId) {
  return `demo_session=${adapterId}-${randomBytes(6).toString('hex')}; Path=/; HttpOnly; SameSite=Lax`;
}

/** The `demo_session` value from a `Cookie` header, or null. */
export function readSession(cookieHeader) {
  if (typeof cookieHeader !== 'string') return null;
  for (const part of cookieHeader.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'demo_session') return value.join('=') || null;
  }
  return null;
}

/** A fresh value for `X-Request-Id`. */
export function requestId() {
  return randomBytes(8).toString('hex');
}
