import assert from 'node:assert/strict';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { type Daprd, startDaprd } from './daprd.ts';
import { eventually } from './helpers.ts';

// The committed dapr/components directory, as the chart ships it, loaded by a real daprd: its
// cron binding must reach the cron-tick app at POST /cron-tick, carrying the app API token.
const components = path.resolve(import.meta.dirname, '../dapr/components');

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A stand-in app that records what its sidecar sends and answers 200. */
async function recordingApp(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, received };
}

describe('the cron-tick binding under a real daprd (dapr/components/cron-tick.yaml)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const stop of cleanup.reverse()) await stop();
  });

  async function sidecarWithApp(appApiToken?: string): Promise<{ received: Received[]; daprd: Daprd }> {
    const app = await recordingApp();
    cleanup.push(() => new Promise((resolve) => app.server.close(() => resolve())));
    // The component is scoped to cron-tick: under any other app id daprd would not load it.
    const daprd = await startDaprd({ appId: 'cron-tick', appPort: app.port, resourcesPaths: [components], ...(appApiToken ? { appApiToken } : {}) });
    cleanup.push(() => daprd.stop());
    return { received: app.received, daprd };
  }

  const tick = (received: Received[]) => received.find((r) => r.method === 'POST' && r.url === '/cron-tick');

  it('POSTs /cron-tick on schedule, with the dapr-api-token header when APP_API_TOKEN is set', async () => {
    const [withToken, without] = await Promise.all([sidecarWithApp('app-token-from-a-secret'), sidecarWithApp()]);
    // The committed schedule is @every 10s; the first tick comes one period after the binding starts.
    const [tokened, plain] = await Promise.all([
      eventually(() => Promise.resolve(tick(withToken.received)), { timeoutMs: 45_000, everyMs: 100 }),
      eventually(() => Promise.resolve(tick(without.received)), { timeoutMs: 45_000, everyMs: 100 }),
    ]).catch((err: Error) => {
      throw new Error(`${err.message}\n--- daprd with token:\n${withToken.daprd.logs.join('\n')}\n--- daprd without:\n${without.daprd.logs.join('\n')}`);
    });
    assert.equal(tokened.headers['dapr-api-token'], 'app-token-from-a-secret');
    assert.equal(plain.headers['dapr-api-token'], undefined);
    assert.ok(withToken.daprd.logs.some((line) => /cron-tick/.test(line) && /bindings\.cron/.test(line)), 'daprd reports loading the cron-tick component');
  });
});
