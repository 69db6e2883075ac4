/**
 * HTTP/1.1 over a bare `net` socket: the only way to send what Node's client refuses (CR, LF, NUL
 * and UTF-8 bytes in header values, header blocks over 16 KiB) and to see every byte the server
 * answers, header lines included.
 */
import net from 'node:net';

/** One request header line, name and value; a Buffer value is sent byte for byte. */
export type RawHeaderLine = readonly [name: string, value: string | Buffer];

export interface RawReply {
  /** The status code, or 0 when the server closed the connection without answering. */
  readonly status: number;
  /** The response's header block (status line excluded), as latin1 text. */
  readonly head: string;
  /** Header lines in order, names lower-cased. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  /** Every byte received. */
  readonly bytes: Buffer;
}

/**
 * Builds a request with `Connection: close`, so the reply ends when the server closes. Header values
 * given as strings are written as latin1, exactly one byte per character, CR and LF included; a
 * plain string is a whole line written verbatim.
 */
export function rawRequest(
  method: string,
  path: string,
  lines: readonly (RawHeaderLine | string)[],
): Buffer {
  const parts: Buffer[] = [
    Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`, 'latin1'),
  ];
  for (const line of lines) {
    if (typeof line === 'string') {
      parts.push(Buffer.from(`${line}\r\n`, 'latin1'));
      continue;
    }
    const [name, value] = line;
    parts.push(Buffer.from(`${name}: `, 'latin1'));
    parts.push(typeof value === 'string' ? Buffer.from(value, 'latin1') : value);
    parts.push(Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/**
 * Sends `request` and reads until the server closes. A reset or broken pipe is not an error here
 * (a server that refuses a 1 MiB header block may close before reading it all): whatever arrived
 * is the reply. Rejects only when the server neither answers nor closes within `timeoutMs`, which
 * is the hang the denial-of-service tests look for.
 */
export function rawExchange(port: number, request: Buffer, timeoutMs = 15_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms: the server hangs`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {
      // ECONNRESET / EPIPE: the server closed early; 'close' follows and resolves.
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseReply(Buffer.concat(chunks)));
    });
    // Write without half-closing: the request says `Connection: close`, so the server closes
    // after answering. A half-close would read as an aborted request to some servers (nginx
    // drops its answer to a client that sent FIN).
    socket.write(request);
  });
}

/** Splits a raw HTTP/1.1 response into status, header lines and body (no chunked decoding needed). */
export function parseReply(bytes: Buffer): RawReply {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const headEnd = end < 0 ? text.length : end;
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  const lines = text.slice(0, headEnd).split('\r\n');
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  let body = end < 0 ? '' : text.slice(end + 4);
  if (headers.some(([n, v]) => n === 'transfer-encoding' && /chunked/i.test(v))) {
    body = dechunk(body);
  }
  return {
    status: statusLine ? Number(statusLine[1]) : 0,
    head: lines.slice(1).join('\r\n'),
    headers,
    body,
    bytes,
  };
}

function dechunk(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const lineEnd = text.indexOf('\r\n', i);
    if (lineEnd < 0) break;
    const size = parseInt(text.slice(i, lineEnd), 16);
    if (!(size > 0)) break;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    i = lineEnd + 2 + size + 2;
  }
  return out;
}

/** The values of a response header, every line of it. */
export function headerValues(reply: RawReply, name: string): string[] {
  return reply.headers.filter(([n]) => n === name).map(([, v]) => v);
}

/** The `access-control-*` header lines of a reply. */
export function corsLines(reply: RawReply): (readonly [string, string])[] {
  return reply.headers.filter(([n]) => n.startsWith('access-control-'));
}
