import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { after, before } from 'node:test';
import { SignJWT } from 'jose';
import { loadHostHandler } from '../functions/host.ts';
import { loadConfig } from '../shared/config.ts';
import type { HttpHandler } from '../shared/http/index.ts';
import { runtime, withRuntime } from '../shared/runtime/current.ts';
import { type Runtime, createRuntime } from '../shared/runtime/runtime.ts';

// Integration tests call the real handlers over HTTP against the real (embedded) PostgreSQL that
// scripts/test.ts started. Each test works as its own fresh user, so tests never see each other's rows.

export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read fields freely
}

export interface Client {
  user: string;
  token: string;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  patch(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  put(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  delete(path: string, headers?: Record<string, string>): Promise<Answer>;
  send(method: string, path: string, init?: { body?: string | Buffer; headers?: Record<string, string> }): Promise<Answer>;
}

export const newUser = (): string => `user-${randomUUID()}`;

export function tokenFor(user: string, { expiresIn = '1h', secret = process.env.JWT_SECRET! } = {}): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

export async function request(
  base: string,
  method: string,
  path: string,
  { body, headers = {} }: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function clientFor(base: string, user = newUser()): Promise<Client> {
  const token = await tokenFor(user);
  const auth = { authorization: `Bearer ${token}` };
  const json = (body: unknown) =>
    body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const j = json(body);
    return request(base, method, path, { ...j, headers: { ...auth, ...j.headers, ...headers } });
  };
  return {
    user,
    token,
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body, headers),
    patch: (path, body, headers) => call('PATCH', path, body, headers),
    put: (path, body, headers) => call('PUT', path, body, headers),
    delete: (path, headers) => call('DELETE', path, undefined, headers),
    send: (method, path, init = {}) => request(base, method, path, { ...init, headers: { ...auth, ...init.headers } }),
  };
}

/**
 * Serves a handler (one function's, or the local host's) on a loopback port for the file's tests,
 * with the file's runtime (test/file-database.ts builds it) or the one given; closes it after.
 */
export function serve(load: () => Promise<HttpHandler>, rt: () => Runtime = runtime): { url: () => string } {
  let server: Server;
  let url = '';
  before(async () => {
    const handler = await load();
    const served = rt();
    server = createServer((req, res) => void withRuntime(served, () => handler(req, res)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rt().close();
  });
  return { url: () => url };
}

/**
 * The local host on a runtime of its own, built from the test environment with `settings` changed
 * (made ready first when they name something the hook starts, such as a Redis), served for the file.
 */
export function serveHost(settings: () => Record<string, string> | Promise<Record<string, string>>): { url: () => string; runtime: () => Runtime } {
  let own: Runtime;
  const served = serve(
    async () => {
      own = createRuntime(loadConfig({ ...process.env, ...(await settings()) }));
      return withRuntime(own, loadHost);
    },
    () => own,
  );
  return { ...served, runtime: () => own };
}

/** The local host's handler, with the outbox relay delivering events to its event functions. */
export async function loadHost(): Promise<HttpHandler> {
  const handler = await loadHostHandler();
  await runtime().startRelay(handler.subscribers);
  return handler;
}

/** Resolves with `probe`'s first truthy answer; polls because the condition lives in another process or the database. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, { timeoutMs = 10_000, everyMs = 20 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
