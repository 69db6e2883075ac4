import { describe, expect, it } from 'vitest';
import {
  corsPreflightMethod,
  corsRequestKind,
  corsRouteConstraint,
  corsRouteMethod,
  routeOfMethod,
  createCorsPolicy,
  normalizeMethod,
  type CorsDecision,
} from '../src/index.js';

const APP = 'https://app.example.com';

describe('corsRequestKind (Fetch §3.2.2)', () => {
  it('calls a request without Origin not CORS, whatever else it carries', () => {
    expect(corsRequestKind({ method: 'GET' })).toBe('not-cors');
    expect(corsRequestKind({ method: 'OPTIONS', origin: null, requestMethod: 'PUT' })).toBe(
      'not-cors',
    );
  });

  it('calls OPTIONS with Origin and Access-Control-Request-Method a preflight', () => {
    expect(corsRequestKind({ method: 'OPTIONS', origin: APP, requestMethod: 'PUT' })).toBe(
      'preflight',
    );
    expect(corsRequestKind({ method: 'OPTIONS', origin: APP, requestMethod: '' })).toBe(
      'preflight',
    );
  });

  it('calls OPTIONS without Access-Control-Request-Method an actual request, so it reaches the route', () => {
    expect(corsRequestKind({ method: 'OPTIONS', origin: APP })).toBe('actual');
  });

  it('does not take a lower-case options method for a preflight', () => {
    expect(corsRequestKind({ method: 'options', origin: APP, requestMethod: 'PUT' })).toBe(
      'actual',
    );
  });

  it('agrees with the kind of every decision', () => {
    const policy = createCorsPolicy({ origin: [APP] });
    for (const request of [
      { method: 'GET' },
      { method: 'GET', origin: APP },
      { method: 'OPTIONS', origin: APP },
      { method: 'OPTIONS', origin: APP, requestMethod: 'PUT' },
      { method: 'OPTIONS', origin: 'https://evil.example', requestMethod: 'PUT' },
    ]) {
      expect((policy.decide(request) as CorsDecision).kind).toBe(corsRequestKind(request));
    }
  });
});

describe('normalizeMethod (Fetch §2.2.1 "normalize a method")', () => {
  it('upper-cases the six standard methods written in any case', () => {
    for (const method of ['delete', 'Get', 'hEaD', 'options', 'post', 'pUt']) {
      expect(normalizeMethod(method)).toBe(method.toUpperCase());
    }
  });

  it('leaves every other method as written, patch included', () => {
    for (const method of ['patch', 'Patch', 'PROPFIND', 'purge', 'DELETE', 'CONNECTION']) {
      expect(normalizeMethod(method)).toBe(method);
    }
  });

  it('makes a lower-case requested delete a preflight for DELETE, echoed as DELETE', () => {
    const policy = createCorsPolicy({ origin: [APP], methods: ['DELETE'] });
    const decision = policy.decide({
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'delete',
    }) as CorsDecision;
    expect(decision.allowed).toBe(true);
    expect(decision.headers['access-control-allow-methods']).toBe('DELETE');
    const patch = policy.decide({
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'patch',
    }) as CorsDecision;
    expect(patch.reason).toBe('method-not-allowed');
  });
});

describe('corsPreflightMethod', () => {
  it('names the method a preflight asks about, as the actual request will carry it', () => {
    expect(corsPreflightMethod({ method: 'OPTIONS', origin: APP, requestMethod: 'delete' })).toBe(
      'DELETE',
    );
    expect(corsPreflightMethod({ method: 'OPTIONS', origin: APP, requestMethod: 'patch' })).toBe(
      'patch',
    );
  });

  it('names none for a request that is not a preflight: its own method finds its route', () => {
    expect(corsPreflightMethod({ method: 'PUT', origin: APP })).toBeUndefined();
    expect(corsPreflightMethod({ method: 'OPTIONS', origin: APP })).toBeUndefined();
    expect(corsPreflightMethod({ method: 'OPTIONS', requestMethod: 'PUT' })).toBeUndefined();
  });
});

describe('corsRouteMethod', () => {
  const preflight = (requestMethod: string) => ({
    method: 'OPTIONS',
    headers: { origin: APP, 'access-control-request-method': requestMethod },
  });

  it("routes a preflight by the method it asks about, with the core's case rule", () => {
    expect(corsRouteMethod(preflight('delete'))).toBe('DELETE');
    expect(corsRouteMethod(preflight('patch'))).toBe('patch');
  });

  it('routes any other request by its own method', () => {
    expect(corsRouteMethod({ method: 'PUT', headers: { origin: APP } })).toBe('PUT');
    expect(corsRouteMethod({ method: 'OPTIONS', headers: {} })).toBe('OPTIONS');
    expect(corsRouteMethod({ headers: {} })).toBe('');
  });
});

describe('corsRouteConstraint', () => {
  it('has the shape a find-my-way router takes, and never forces a constrained route', () => {
    const constraint = corsRouteConstraint('corsRouteMethod');
    expect(constraint.name).toBe('corsRouteMethod');
    expect(constraint.mustMatchWhenDerived).toBe(false);
    expect(
      constraint.deriveConstraint({
        method: 'OPTIONS',
        headers: { origin: APP, 'access-control-request-method': 'put' },
      }),
    ).toBe('PUT');
  });

  it('finds the route of a method, HEAD by a GET route, and any method by an ALL route', () => {
    const store = corsRouteConstraint('m').storage();
    expect(store.get('PUT')).toBeNull();
    store.set('GET', 'get route');
    expect(store.get('GET')).toBe('get route');
    expect(store.get('HEAD')).toBe('get route');
    expect(store.get('PUT')).toBeNull();
    store.set('HEAD', 'head route');
    expect(store.get('HEAD')).toBe('head route');
    store.set('ALL', 'all route');
    expect(store.get('PUT')).toBe('all route');
    expect(store.get('GET')).toBe('get route');
  });
});

describe('routeOfMethod', () => {
  it('serves a method by its own route, HEAD by GET, and any method by ALL, as routers do', () => {
    const routes = new Map([
      ['GET', 'get'],
      ['ALL', 'all'],
    ]);
    expect(routeOfMethod(routes, 'GET')).toBe('get');
    expect(routeOfMethod(routes, 'HEAD')).toBe('get');
    expect(routeOfMethod(routes, 'DELETE')).toBe('all');
    expect(routeOfMethod(new Map([['PUT', 'put']]), 'HEAD')).toBeUndefined();
    expect(routeOfMethod(undefined, 'GET')).toBeUndefined();
  });
});
