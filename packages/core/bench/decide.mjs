// Micro-benchmark of policy.decide (not a test): ns per decision, measured on the built package.
// Usage: npm run bench -w @cors/core   (builds nothing; run `npm run build` first)
import { createCorsPolicy } from '../dist/index.js';

const APP = 'https://app.example.com';
const many = (n) => Array.from({ length: n }, (_, i) => `https://app${i}.example.net`);
// A new value on every call, more of them than the policy keeps answers for: every call misses.
const FRESH = 1 << 17;
const fresh = (make) => Array.from({ length: FRESH }, (_, i) => make(i));

const scenarios = [
  [
    'allowed GET (3 origins, credentials)',
    createCorsPolicy({
      origin: [APP, 'https://a.example.com', 'https://b.example.com'],
      credentials: true,
    }),
    { method: 'GET', origin: APP },
  ],
  [
    'preflight PUT + 2 headers',
    createCorsPolicy({
      origin: [APP],
      credentials: true,
      allowedHeaders: ['Content-Type', 'X-Custom'],
      maxAge: 600,
    }),
    {
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'PUT',
      requestHeaders: 'content-type,x-custom',
    },
  ],
  [
    'denied origin',
    createCorsPolicy({ origin: [APP], credentials: true }),
    { method: 'GET', origin: 'https://evil.example' },
  ],
  ['no Origin', createCorsPolicy({ origin: [APP], credentials: true }), { method: 'GET' }],
  [
    'allowed GET, last of 3 origins',
    createCorsPolicy({ origin: [...many(2), APP] }),
    { method: 'GET', origin: APP },
  ],
  [
    'allowed GET, last of 10,000 origins',
    createCorsPolicy({ origin: [...many(9999), APP] }),
    { method: 'GET', origin: APP },
  ],
  [
    'allowed GET, last of 100,000 origins',
    createCorsPolicy({ origin: [...many(99999), APP] }),
    { method: 'GET', origin: APP },
  ],
  [
    'subdomain pattern',
    createCorsPolicy({ origin: ['https://*.example.com'], credentials: true }),
    { method: 'GET', origin: 'https://tenant42.example.com' },
  ],
  ['public API (*)', createCorsPolicy({ origin: '*' }), { method: 'GET', origin: APP }],
  [
    'denied origin, a new one every call (no kept answer)',
    createCorsPolicy({ origin: [APP], credentials: true }),
    fresh((i) => ({ method: 'GET', origin: `https://evil${i}.example` })),
  ],
  [
    'subdomain pattern, a new subdomain every call (no kept answer)',
    createCorsPolicy({ origin: ['https://*.example.com'], credentials: true }),
    fresh((i) => ({ method: 'GET', origin: `https://tenant${i}.example.com` })),
  ],
  [
    'preflight PUT, a new header list every call (no kept answer)',
    createCorsPolicy({ origin: [APP], credentials: true, maxAge: 600 }),
    fresh((i) => ({
      method: 'OPTIONS',
      origin: APP,
      requestMethod: 'PUT',
      requestHeaders: `content-type,x-custom-${i}`,
    })),
  ],
  [
    'preflight with 1 MiB hostile ACRH',
    createCorsPolicy({ origin: [APP] }),
    { method: 'OPTIONS', origin: APP, requestMethod: 'PUT', requestHeaders: ','.repeat(1 << 20) },
  ],
];

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const ITERATIONS = Number(process.env.ITERATIONS ?? 1_000_000);
let sink = 0;
function measure(policy, request) {
  // One request, or a power-of-two list of them taken in turn.
  const requests = Array.isArray(request) ? request : [request];
  const mask = requests.length - 1;
  for (let i = 0; i < 10_000; i++) sink ^= policy.decide(requests[i & mask]).vary.length; // warm up
  const samples = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) sink ^= policy.decide(requests[i & mask]).vary.length;
    samples.push(Number(process.hrtime.bigint() - start) / ITERATIONS);
  }
  samples.sort((a, b) => a - b);
  return {
    median: samples[samples.length >> 1],
    min: samples[0],
    max: samples[samples.length - 1],
  };
}

console.log(`| scenario | ns/decision (median) | min–max |`);
console.log(`| --- | ---: | ---: |`);
for (const [name, policy, request] of scenarios) {
  const { median, min, max } = measure(policy, request);
  console.log(`| ${name} | ${median.toFixed(1)} | ${min.toFixed(1)}–${max.toFixed(1)} |`);
}
if (sink === 42) console.log('');
