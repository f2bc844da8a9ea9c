import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type Reply, RespConnection, RespError } from './resp.ts';

/**
 * Upstash's Redis REST API (https://upstash.com/docs/redis/features/restapi) in front of a real
 * redis-server, so that @upstash/redis runs unchanged against it:
 * - `Authorization: Bearer <token>` (or `?_token=`), else 401 `{"error": "Unauthorized"}`;
 * - a command as a JSON array posted to `/`, or as path segments (`/set/foo/bar`, a POST body
 *   being the last argument); the answer `{"result": ...}`, or 400 `{"error": "..."}`;
 * - `/pipeline`: a JSON array of commands, run in order, answered `[{"result"} | {"error"}, ...]`;
 * - `/multi-exec`: the same inside MULTI/EXEC, so atomic; an aborted transaction is a 400;
 * - `Upstash-Encoding: base64`: every string in a result base64-encoded, except "OK".
 * With Redis unreachable it answers 503, as a proxy does.
 */
export interface UpstashRestServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

type Json = string | number | null | Json[];

function toJson(reply: Reply, base64: boolean): Json {
  if (Array.isArray(reply)) return reply.map((r) => toJson(r, base64));
  if (reply instanceof RespError) return reply.message;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (typeof reply === 'string') return base64 && reply !== 'OK' ? Buffer.from(reply).toString('base64') : reply;
  return reply;
}

const entry = (reply: Reply, base64: boolean) => (reply instanceof RespError ? { error: reply.message } : { result: toJson(reply, base64) });

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

const isCommand = (c: unknown): c is (string | number)[] =>
  Array.isArray(c) && c.length > 0 && c.every((a) => typeof a === 'string' || typeof a === 'number');

export async function startUpstashRestServer({ redisPort, token = 'test-token' }: { redisPort: number; token?: string }): Promise<UpstashRestServer> {
  // Each request takes a connection of its own: a MULTI must not interleave with other requests.
  const idle: RespConnection[] = [];
  const withConnection = async <T>(work: (c: RespConnection) => Promise<T>): Promise<T> => {
    let conn = idle.pop();
    while (conn && !conn.usable) conn = idle.pop();
    conn ??= await RespConnection.open(redisPort);
    const result = await work(conn);
    idle.push(conn);
    return result;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const auth = req.headers.authorization === `Bearer ${token}` || url.searchParams.get('_token') === token;
      if (!auth) return send(res, 401, { error: 'Unauthorized' });
      if (!['GET', 'POST', 'PUT', 'HEAD'].includes(req.method ?? '')) return send(res, 405, { error: 'Method Not Allowed' });
      const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
      const raw = await body(req);
      const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      try {
        if (segments[0] === 'pipeline' || segments[0] === 'multi-exec') {
          const commands = JSON.parse(raw) as unknown;
          if (!Array.isArray(commands) || commands.length === 0 || !commands.every(isCommand)) return send(res, 400, { error: 'ERR the body must be a JSON array of commands' });
          const args = commands.map((c) => c.map(String));
          if (segments[0] === 'pipeline') {
            const replies = await withConnection((c) => Promise.all(args.map((a) => c.command(a))));
            return send(res, 200, replies.map((r) => entry(r, base64)));
          }
          const replies = await withConnection((c) => Promise.all([c.command(['MULTI']), ...args.map((a) => c.command(a)), c.command(['EXEC'])]));
          const exec = replies.at(-1)!;
          if (!Array.isArray(exec)) return send(res, 400, { error: exec instanceof RespError ? exec.message : 'ERR transaction aborted' });
          return send(res, 200, exec.map((r) => entry(r, base64)));
        }
        let command: string[];
        if (segments.length === 0) {
          const parsed = JSON.parse(raw) as unknown;
          if (!isCommand(parsed)) return send(res, 400, { error: 'ERR the body must be a JSON array: a command and its arguments' });
          command = parsed.map(String);
        } else {
          // Path form: a POST body is the last argument, and query parameters follow it.
          command = [...segments, ...(raw ? [raw] : []), ...[...url.searchParams].filter(([k]) => k !== '_token').flat()];
        }
        const reply = await withConnection((c) => c.command(command));
        return reply instanceof RespError ? send(res, 400, { error: reply.message }) : send(res, 200, { result: toJson(reply, base64) });
      } catch (err) {
        if (err instanceof SyntaxError) return send(res, 400, { error: 'ERR the body is not JSON' });
        return send(res, 503, { error: `redis unavailable: ${(err as Error).message}` });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    token,
    close: async () => {
      for (const c of idle.splice(0)) c.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
