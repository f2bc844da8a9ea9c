import assert from 'node:assert/strict';
import { type Socket, connect } from 'node:net';
import { it } from 'node:test';
import { eventually } from './helpers.ts';

// Clients that hold a server's connections: the slow ones a request timeout must cut off, and idle
// kept-alive ones that fill a connection cap.

/** Resolves with the ms until the server closed the socket, or undefined if it was still open after `giveUpMs`. */
function closedWithin(socket: Socket, started: number, giveUpMs: number, onGiveUp: () => void): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onGiveUp();
      socket.destroy();
      resolve(undefined);
    }, giveUpMs);
    socket.once('close', () => {
      clearTimeout(timer);
      onGiveUp();
      resolve(Date.now() - started);
    });
    socket.on('error', () => {});
    socket.on('data', () => {});
  });
}

/**
 * Sends a request one byte every `everyMs`: its headers (`part: 'headers'`), or complete headers
 * and then its 1000-byte body (`part: 'body'`). Resolves with the ms until the server hung up.
 */
export function slowloris(port: number, part: 'headers' | 'body', { everyMs = 100, giveUpMs = 15_000 } = {}): Promise<number | undefined> {
  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  const head = 'POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n';
  const slow = part === 'headers' ? `${head}X-Slow: ${'a'.repeat(1000)}` : `{"title":"${'a'.repeat(990)}"}`;
  if (part === 'body') socket.write(`${head}\r\n`);
  let sent = 0;
  const drip = setInterval(() => {
    if (!socket.destroyed && sent < slow.length) socket.write(slow[sent++]!);
  }, everyMs);
  return closedWithin(socket, started, giveUpMs, () => clearInterval(drip));
}

/** Opens `n` connections, each kept alive after one answered GET /healthz; if one is refused, closes them all and rejects. */
export async function heldOpen(port: number, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        socket.once('data', () => resolve());
        socket.once('close', () => reject(new Error(`connection ${i + 1} of ${n} was closed before an answer`)));
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
    }
    return sockets;
  } catch (err) {
    for (const s of sockets) s.destroy();
    throw err;
  }
}

/** heldOpen once the server has let go of connections closed a moment ago (it learns of a close a little later). */
export const heldOpenOnceFree = (port: number, n: number): Promise<Socket[]> =>
  eventually(() => heldOpen(port, n).catch(() => undefined));

/** True when the server closes a new connection without answering its request. */
export async function refused(port: number, giveUpMs = 5000): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  let answered = false;
  socket.on('data', () => {
    answered = true;
  });
  socket.on('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
  const closed = await closedWithin(socket, Date.now(), giveUpMs, () => {});
  return closed !== undefined && !answered;
}

/** Limits small enough that each fact of `itBoundsSlowAndGreedyClients` takes a second or two. */
export const smallLimits = { HTTP_HEADERS_TIMEOUT_MS: 500, HTTP_REQUEST_TIMEOUT_MS: 1000, HTTP_MAX_CONNECTIONS: 3 };

/** The facts every server taskfn runs must show under `smallLimits`, as tests of the calling describe. */
export function itBoundsSlowAndGreedyClients(port: () => number): void {
  // Bounds are generous for a loaded machine: unlimited, these clients would hold on for 100 s.
  it('cuts off a client sending its headers a byte at a time within HTTP_HEADERS_TIMEOUT_MS', async () => {
    const ms = await slowloris(port(), 'headers');
    assert.ok(ms !== undefined && ms < 5000, `held for ${ms ?? 'over 15000'} ms`);
  });

  it('cuts off a client sending its body a byte at a time within HTTP_REQUEST_TIMEOUT_MS', async () => {
    const ms = await slowloris(port(), 'body');
    assert.ok(ms !== undefined && ms < 6000, `held for ${ms ?? 'over 15000'} ms`);
  });

  it('closes connections past HTTP_MAX_CONNECTIONS as they arrive', async () => {
    const held = await heldOpenOnceFree(port(), smallLimits.HTTP_MAX_CONNECTIONS);
    try {
      assert.equal(await refused(port()), true);
    } finally {
      for (const s of held) s.destroy();
    }
  });
}

/** `smallLimits` as environment variables. */
export const smallLimitsEnv = Object.fromEntries(Object.entries(smallLimits).map(([k, v]) => [k, String(v)]));
