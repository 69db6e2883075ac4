// Figure (b), the child side: one server (framework × contender × policy) in its own process,
// forked by run.js. It counts the requests it serves and, on request over IPC, reports its own CPU
// time (process.cpuUsage, user + system) and request count since the last `start`.
//
// Usage (by run.js): fork('server.js', [frameworkId, kind, policyId])
import { FRAMEWORKS } from './contenders/index.js';
import { POLICIES } from './scenarios.js';

const [frameworkId, kind, policyId] = process.argv.slice(2);
const framework = FRAMEWORKS.find((f) => f.id === frameworkId);

let server;
try {
  server = await framework.listen(kind, POLICIES[policyId]);
} catch (error) {
  process.send({ type: 'error', missing: error.name === 'MissingAdapter', message: error.message });
  process.exit(1);
}

let requests = 0;
server.on('request', () => {
  requests++;
});

let startCpu;
let startRequests;
process.on('message', (message) => {
  if (message.type === 'start') {
    startRequests = requests;
    startCpu = process.cpuUsage();
    process.send({ type: 'started' });
  } else if (message.type === 'stop') {
    const { user, system } = process.cpuUsage(startCpu);
    process.send({ type: 'stopped', cpuMicros: user + system, requests: requests - startRequests });
  } else if (message.type === 'exit') {
    process.exit(0);
  }
});

process.send({ type: 'ready', port: server.address().port });
