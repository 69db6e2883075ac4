// Preloaded into a documentation block that is a server (node --import): whatever port the block
// asks for (3000, as written for a reader), it listens on 127.0.0.1 port 0, and reports the port it
// got to the file named by LISTEN_REPORT, for the test to send it a request.
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnPortZero(...args) {
  const callback = typeof args.at(-1) === 'function' ? args.pop() : undefined;
  const first = args[0];
  const options = {
    ...(typeof first === 'object' && first !== null ? first : {}),
    port: 0,
    host: '127.0.0.1',
  };
  this.once('listening', () => {
    appendFileSync(process.env.LISTEN_REPORT, `${this.address().port}\n`);
  });
  return callback === undefined ? listen.call(this, options) : listen.call(this, options, callback);
};
