// bench/dapr: what a Dapr sidecar hop costs, in one run on one Kafka and one Redis.
// 1. publish → handler: an event published through a daprd (the committed pub/sub component) and
//    delivered by a second daprd (the committed Subscription and Resiliency) to an HTTP handler,
//    against a kafkajs producer → kafkajs consumer handler on the same broker.
// 2. state save and get through daprd's state API (Redis state store) against the same commands
//    sent to Redis directly.
// One operation in flight at a time; p50/p99 of the samples after a warm-up.
// Usage: npm run bench:dapr [-- events states]
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { type IncomingMessage, createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/free-port.ts';
import { daprdBinary, startDaprd } from '../../test/dapr/daprd.ts';
import { componentsDir, configFile, daprWorkdir, localAddresses, localResources, startLocalKafka, startLocalRedis } from '../../test/dapr/stack.ts';
import { RespConnection } from '../../test/resp.ts';
import { report } from '../figures.ts';

const [events = 500, states = 1000] = process.argv.slice(2).map(Number);
const warmup = 50;
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const now = () => performance.now();

step(`daprd ${await daprdBinary()}`);
const addresses = await localAddresses();
const redisPort = addresses.redisPort ?? 6379;
step(`Kafka on ${addresses.kafkaPort}, Redis on ${redisPort}`);
const local = await startLocalKafka(addresses.kafkaPort);
const redis = await startLocalRedis(redisPort);
const workdir = await daprWorkdir({ scratch: true });
const tokens = { app: randomBytes(24).toString('base64url'), dapr: randomBytes(24).toString('base64url') };
const cleanup: (() => Promise<unknown>)[] = [];

async function timed(samples: number, op: () => Promise<number | void>): Promise<{ p50: number; p99: number }> {
  const xs: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const started = now();
    const ended = await op();
    if (i >= warmup) xs.push((ended ?? now()) - started);
  }
  return { p50: pct(xs, 50), p99: pct(xs, 99) };
}

try {
  // --- publish → handler through two sidecars ---------------------------------------------------
  const arrivals = new Map<string, (t: number) => void>();
  const arrived = (id: string) => new Promise<number>((resolve) => arrivals.set(id, resolve));
  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => resolve(text));
    });
  // Stands in for log-activity at the route its committed Subscription names; the handler is
  // only the clock, so the figure is the transport's.
  const app = createServer((req, res) => {
    void body(req).then((text) => {
      const t = now();
      if (req.url === '/events/log-activity') arrivals.get((JSON.parse(text) as { id: string }).id)?.(t);
      res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/dapr/subscribe' ? '[]' : '{"status":"SUCCESS"}');
    });
  });
  const appPort = await freePort();
  await new Promise<void>((resolve) => app.listen(appPort, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => app.close(resolve)));
  const daprd = (appId: string, appPort?: number) =>
    startDaprd({
      appId,
      ...(appPort ? { appPort } : {}),
      resourcesPaths: [componentsDir],
      config: configFile,
      appApiToken: tokens.app,
      daprApiToken: tokens.dapr,
      cwd: workdir,
      logLevel: 'warn',
    });
  step('starting a publishing daprd (create-task) and a subscribed one (log-activity)');
  const publisher = await daprd('create-task');
  cleanup.push(() => publisher.stop());
  const subscriber = await daprd('log-activity', appPort);
  cleanup.push(() => subscriber.stop());

  const user = `bench-${randomUUID()}`;
  const headers = { 'content-type': 'application/cloudevents+json', 'dapr-api-token': tokens.dapr };
  const publishUrl = `${publisher.url}/v1.0/publish/pubsub/task-events?metadata.partitionKey=${user}`;
  const event = (id: string) => JSON.stringify({ specversion: '1.0', id, source: 'bench', type: 'com.taskfn.bench', datacontenttype: 'application/json', data: { user_id: user } });
  step(`publish → handler through daprd + Kafka, ${events} events`);
  const viaDapr = await timed(events, async () => {
    const id = randomUUID();
    const delivered = arrived(id);
    const res = await fetch(publishUrl, { method: 'POST', headers, body: event(id) });
    if (res.status !== 204) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
    return delivered;
  });

  step(`publish → handler with kafkajs, ${events} events`);
  const admin = local.kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'bench-direct', numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = local.kafka.producer();
  await producer.connect();
  const consumer = local.kafka.consumer({ groupId: `bench-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench-direct', fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      arrivals.get(message.key!.toString())?.(now());
      return Promise.resolve();
    },
  });
  cleanup.push(async () => {
    await consumer.disconnect();
    await producer.disconnect();
  });
  const direct = await timed(events, async () => {
    const id = randomUUID();
    const delivered = arrived(id);
    // acks -1, as the committed component's producerRequiredAcks: all.
    await producer.send({ topic: 'bench-direct', acks: -1, messages: [{ key: id, value: event(id) }] });
    return delivered;
  });

  // --- state through daprd against Redis ---------------------------------------------------------
  const state = (await localResources()).find((d) => d.kind === 'Component' && d.spec?.type === 'state.redis');
  const storeName = state?.metadata?.name;
  const stateApp = state?.scopes?.[0];
  if (!storeName || !stateApp) throw new Error('dapr/components has no state.redis component scoped to a function');
  step(`a daprd with the ${storeName} state store (app id ${stateApp})`);
  const stateSidecar = await daprd(stateApp);
  cleanup.push(() => stateSidecar.stop());
  const value = JSON.stringify({ messages: Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? 'model' : 'user', text: 'x'.repeat(80) })) });
  const stateUrl = `${stateSidecar.url}/v1.0/state/${storeName}`;
  const keys = Array.from({ length: 50 }, (_, i) => `bench-${i}`);
  let n = 0;
  step(`state save and get through daprd, ${states} each`);
  const daprSave = await timed(states, async () => {
    const res = await fetch(stateUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'dapr-api-token': tokens.dapr }, body: JSON.stringify([{ key: keys[n++ % keys.length], value, metadata: { ttlInSeconds: '3600' } }]) });
    if (res.status !== 204) throw new Error(`save answered ${res.status}: ${await res.text()}`);
  });
  const daprGet = await timed(states, async () => {
    const res = await fetch(`${stateUrl}/${keys[n++ % keys.length]}`, { headers: { 'dapr-api-token': tokens.dapr } });
    if (res.status !== 200) throw new Error(`get answered ${res.status}`);
    await res.arrayBuffer();
  });
  step(`SET and GET on Redis directly, ${states} each`);
  const resp = await RespConnection.open(redisPort);
  cleanup.push(() => Promise.resolve(resp.close()));
  const redisSet = await timed(states, async () => {
    await resp.command(['SET', `direct-${keys[n++ % keys.length]}`, value, 'EX', '3600']);
  });
  const redisGet = await timed(states, async () => {
    if ((await resp.command(['GET', `direct-${keys[n++ % keys.length]}`])) === null) throw new Error('GET found nothing');
  });

  step(`the HTTP floor: fetch → bare node:http, ${states}`);
  const floor = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  const floorPort = await freePort();
  await new Promise<void>((resolve) => floor.listen(floorPort, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => floor.close(resolve)));
  const httpFloor = await timed(states, async () => {
    const res = await fetch(`http://127.0.0.1:${floorPort}/v1.0/state/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: value });
    await res.arrayBuffer();
  });

  const f = (x: number) => x.toFixed(2);
  const row = (label: string, dapr: { p50: number; p99: number }, base: { p50: number; p99: number }, hops: number) =>
    `| ${label} | ${f(dapr.p50)} | ${f(dapr.p99)} | ${f(base.p50)} | ${f(base.p99)} | ${(dapr.p50 / base.p50).toFixed(1)}× | ${f((dapr.p50 - base.p50) / hops)} |`;
  process.stdout.write(
    [
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ` +
        `daprd ${path.basename(path.dirname(await daprdBinary())).replace('daprd-', '')} (built here), one operation in flight, ${warmup} warm-up operations dropped`,
      '',
      '| path | via Dapr p50 ms | via Dapr p99 ms | direct p50 ms | direct p99 ms | p50 ratio | added per Dapr hop, p50 ms |',
      '|---|---|---|---|---|---|---|',
      row(`publish → handler, ${events} events (2 hops: publishing and subscribed daprd; direct: kafkajs producer → consumer)`, viaDapr, direct, 2),
      row(`state save, ${states} × 1.7 KB with TTL (1 hop; direct: SET EX)`, daprSave, redisSet, 1),
      row(`state get, ${states} (1 hop; direct: GET)`, daprGet, redisGet, 1),
      '',
      `Floor of any HTTP hop, fetch → a bare node:http server answering 204 on loopback: p50 ${f(httpFloor.p50)} ms, p99 ${f(httpFloor.p99)} ms.`,
      '',
    ].join('\n'),
  );
  const perHop = (dapr: { p50: number }, base: { p50: number }, hops: number) => (dapr.p50 - base.p50) / hops;
  report(
    'dapr',
    [
      { label: 'publish → handler', added: perHop(viaDapr, direct, 2) },
      { label: 'state save', added: perHop(daprSave, redisSet, 1) },
      { label: 'state get', added: perHop(daprGet, redisGet, 1) },
    ].map(({ label, added }) => ({ measure: `Dapr hop, ${label}: added at p50`, figure: `${f(added)} ms`, target: '≤ 2 ms', met: added <= 2 })),
  );
} finally {
  for (const stop of cleanup.reverse()) await stop().catch(() => {});
  await local.broker.destroy();
  await redis.destroy();
  await rm(workdir, { recursive: true, force: true });
}
