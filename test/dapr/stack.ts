import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { parseAllDocuments } from 'yaml';
import { catalog } from '../../functions/catalog.ts';
import { buildAll } from '../../scripts/build.ts';
import { provisionTopics } from '../../shared/events/provision.ts';
import { freePort } from '../free-port.ts';
import { type KafkaBroker, startKafka } from '../kafka-broker.ts';
import { exited, portClosed, start } from '../processes.ts';
import { type Daprd, startDaprd } from './daprd.ts';
import { type LocalRedis, startRedisAt } from './redis.ts';

// What `npm run test:dapr` and `npm run dev:dapr` run: Kafka and Redis where the committed local
// components (dapr/components, rendered from the chart) say they are, and each function as its own
// process (its bundle, as the image runs it) beside its own daprd loaded with those same files.

const root = path.resolve(import.meta.dirname, '../..');
export const componentsDir = path.join(root, 'dapr/components');
export const configFile = path.join(root, 'dapr/config.yaml');
const secretsExample = path.join(root, 'dapr/secrets.example.json');

interface ComponentDoc {
  kind?: string;
  metadata?: { name?: string };
  spec?: { type?: string; metadata?: { name: string; value?: unknown }[] };
  scopes?: string[];
}

/** Every Dapr resource of the committed local set, as daprd reads them. */
export async function localResources(): Promise<ComponentDoc[]> {
  const files = (await readdir(componentsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const docs: ComponentDoc[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(path.join(componentsDir, file), 'utf8'))) docs.push(doc.toJS() as ComponentDoc);
  }
  return docs;
}

function metadataValue(doc: ComponentDoc, key: string): string | undefined {
  const value = doc.spec?.metadata?.find((m) => m.name === key)?.value;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The loopback port of a `host:port` a local component names (localhost on a laptop). */
function loopbackPort(address: string, what: string): number {
  const m = /^(localhost|127\.0\.0\.1):(\d+)$/.exec(address.trim());
  if (!m) throw new Error(`${what} is ${address}: the local components should name a loopback host:port`);
  return Number(m[2]);
}

export interface LocalAddresses {
  kafkaPort: number;
  /** The Redis state store's port, when a component of the local set keeps state. */
  redisPort?: number;
}

export async function localAddresses(): Promise<LocalAddresses> {
  const docs = await localResources();
  const pubsub = docs.find((d) => d.kind === 'Component' && d.spec?.type === 'pubsub.kafka');
  const brokers = pubsub && metadataValue(pubsub, 'brokers');
  if (!brokers) throw new Error(`no pubsub.kafka component with brokers in ${componentsDir}`);
  const state = docs.find((d) => d.kind === 'Component' && d.spec?.type === 'state.redis');
  const redisHost = state && metadataValue(state, 'redisHost');
  return { kafkaPort: loopbackPort(brokers.split(',')[0]!, 'the pubsub brokers'), ...(redisHost ? { redisPort: loopbackPort(redisHost, 'the state store redisHost') } : {}) };
}

/** Fails early, naming the port, when something (dev:dapr, a laptop's own Kafka) already has it. */
export async function requireFree(port: number, what: string): Promise<void> {
  if (!(await portClosed(port))) {
    throw new Error(`port ${port} (${what}, as dapr/components names it) is in use: stop whatever holds it (npm run dev:dapr?) first`);
  }
}

export interface LocalKafka {
  broker: KafkaBroker;
  kafka: Kafka;
}

/** A real Kafka on the port of the committed pub/sub component, topics provisioned as the chart's Job does. */
export async function startLocalKafka(port: number, dir?: string): Promise<LocalKafka> {
  await requireFree(port, 'Kafka');
  if (dir) await mkdir(dir, { recursive: true });
  const broker = await startKafka({ port, ...(dir ? { dir } : {}) });
  const kafka = new Kafka({ brokers: broker.brokers, clientId: 'taskfn-dapr-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await provisionTopics(admin);
  } finally {
    await admin.disconnect();
  }
  return { broker, kafka };
}

export async function startLocalRedis(port: number): Promise<LocalRedis> {
  await requireFree(port, 'Redis');
  return startRedisAt(port);
}

/**
 * A working directory for daprd: the local secret store reads `dapr/secrets.json` relative to it.
 * Tests get a scratch one holding the committed example; dev:dapr uses the repository, creating the
 * git-ignored file from the example when it is missing.
 */
export async function daprWorkdir({ scratch }: { scratch: boolean }): Promise<string> {
  const dir = scratch ? await mkdtemp(path.join(tmpdir(), 'taskfn-daprd-')) : root;
  const secrets = path.join(dir, 'dapr/secrets.json');
  if (!existsSync(secrets)) {
    await mkdir(path.dirname(secrets), { recursive: true });
    await copyFile(secretsExample, secrets);
  }
  return dir;
}

/** The bundles: TASKFN_DIST when the runner built them, else a build of its own (what the image holds). */
export async function bundles(): Promise<string> {
  if (process.env.TASKFN_DIST) return process.env.TASKFN_DIST;
  const outdir = await mkdtemp(path.join(tmpdir(), 'taskfn-dist-'));
  await buildAll({ outdir });
  process.env.TASKFN_DIST = outdir;
  return outdir;
}

export interface Tokens {
  /** What daprd sends the app on event, binding and health calls (APP_API_TOKEN). */
  app: string;
  /** What the app sends daprd on publish and state calls (DAPR_API_TOKEN). */
  dapr: string;
}

export interface FunctionWithSidecar {
  name: string;
  /** The function's own port, as daprd (and a test) reaches it. */
  url: string;
  app: ReturnType<typeof start>;
  daprd: Daprd;
  stop(): Promise<void>;
}

export interface FunctionOptions {
  dist: string;
  tokens: Tokens;
  /** daprd's working directory (see daprWorkdir). */
  workdir: string;
  /** The function's environment: DATABASE_URL, JWT_SECRET and whatever else it reads. */
  env: NodeJS.ProcessEnv;
  daprdLogLevel?: 'debug' | 'info' | 'warn' | 'error';
  onAppLine?: (line: string) => void;
  onDaprdLine?: (line: string) => void;
}

/** What a function's sidecar uses, switched on as dapr.yaml does: state and email through daprd too. */
function sidecarEnv(name: string): NodeJS.ProcessEnv {
  const uses = catalog.find((e) => e.name === name)?.uses ?? [];
  return { ...(uses.includes('state') ? { CHAT_STATE: 'dapr' } : {}), ...(uses.includes('email') ? { EMAIL_TRANSPORT: 'dapr' } : {}) };
}

/**
 * `node dist/<name>/index.js` with EVENT_TRANSPORT=dapr, then its daprd (app id = function name,
 * so the components' scopes apply) on the committed resources and configuration, app API token on.
 */
export async function startFunction(name: string, options: FunctionOptions): Promise<FunctionWithSidecar> {
  const [appPort, daprHttpPort] = [await freePort(), await freePort()];
  const app = start(
    process.execPath,
    [path.join(options.dist, name, 'index.js')],
    {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      ...sidecarEnv(name),
      ...options.env,
      PORT: String(appPort),
      EVENT_TRANSPORT: 'dapr',
      DAPR_HTTP_ENDPOINT: `http://127.0.0.1:${daprHttpPort}`,
      APP_API_TOKEN: options.tokens.app,
      DAPR_API_TOKEN: options.tokens.dapr,
    },
  );
  if (options.onAppLine) {
    const onLine = options.onAppLine;
    for (const stream of [app.stdout, app.stderr]) stream?.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(onLine));
  }
  const url = `http://127.0.0.1:${appPort}`;
  const stopApp = async () => {
    if (app.exitCode === null && app.signalCode === null) app.kill('SIGTERM');
    await exited(app);
  };
  try {
    for (;;) {
      if ((await fetch(`${url}/healthz`).then((r) => r.status, () => 0)) === 200) break;
      if (app.exitCode !== null) throw new Error(`${name} exited (${app.exitCode}):\n${app.output.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (err) {
    await stopApp();
    throw err;
  }
  let daprd: Daprd;
  try {
    daprd = await startDaprd({
      appId: name,
      appPort,
      httpPort: daprHttpPort,
      resourcesPaths: [componentsDir],
      config: configFile,
      appApiToken: options.tokens.app,
      daprApiToken: options.tokens.dapr,
      cwd: options.workdir,
      ...(options.daprdLogLevel ? { logLevel: options.daprdLogLevel } : {}),
      ...(options.onDaprdLine ? { onLine: options.onDaprdLine } : {}),
    });
  } catch (err) {
    await stopApp();
    throw err;
  }
  return {
    name,
    url,
    app,
    daprd,
    // Together, as Kubernetes ends a pod's containers.
    stop: async () => {
      await Promise.all([daprd.stop(), stopApp()]);
    },
  };
}

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: unknown;
}

const json = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Every record on `topic` right now, from its first offset to its end as of this call. */
export async function readWholeTopic(kafka: Kafka, topic: string): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const waiting = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high) - 1n]));
  const records: TopicRecord[] = [];
  if (waiting.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: still waiting for partitions ${[...waiting.keys()].join(', ')}`)), 60_000);
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            const last = waiting.get(partition);
            if (last !== undefined && BigInt(message.offset) <= last) {
              records.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: json(message.value?.toString() ?? '') });
              if (BigInt(message.offset) === last) waiting.delete(partition);
            }
            if (waiting.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
