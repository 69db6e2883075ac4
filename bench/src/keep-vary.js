// What keeping Vary past the route costs (issue 13): @cors/core's keepVary wraps the response's
// writeHead once per response, and merges the CORS tokens back when the head is written. Measured
// on real node:http ServerResponse objects (no socket: writeHead only builds the head), in ns of
// process CPU time per response, against the same response written without keepVary.
//
//   node src/keep-vary.js            # ~2 s
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { keepVary } from '@cors/core';

const ROUNDS = Number(process.env.KEEP_VARY_ROUNDS ?? 20);
const PER_ROUND = 20_000;

function response() {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader('vary', 'Origin');
  return res;
}

/** The three ways a route leaves Vary, each written with writeHead as frameworks do. */
const cases = {
  'route leaves Vary alone': (res) => res.writeHead(200),
  'route overwrites Vary': (res) => {
    res.setHeader('Vary', 'Accept-Encoding');
    res.writeHead(200);
  },
  'Vary given to writeHead (Fastify)': (res) => res.writeHead(200, { vary: 'Accept-Encoding' }),
};

function cpuNs(run) {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) * 1000;
}

function measure(route, withKeepVary) {
  const responses = Array.from({ length: PER_ROUND }, response);
  return (
    cpuNs(() => {
      for (const res of responses) {
        if (withKeepVary) keepVary(res, 'Origin');
        route(res);
      }
    }) / PER_ROUND
  );
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const [name, route] of Object.entries(cases)) {
  const without = [];
  const withIt = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate so that drift hits both alike.
    without.push(measure(route, false));
    withIt.push(measure(route, true));
  }
  const base = median(without);
  const kept = median(withIt);
  console.log(
    `${name.padEnd(36)} without ${base.toFixed(0).padStart(5)} ns  with keepVary ${kept.toFixed(0).padStart(5)} ns  cost ${(kept - base).toFixed(0).padStart(4)} ns/response`,
  );
}
