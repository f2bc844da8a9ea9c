// bench/chat: the conversation store and the chat turn, without a model's network time.
//  1. For each state adapter that runs here: load a 200-message conversation and append one turn
//     (two messages), as a turn does, timed together and apart. postgres on a throw-away embedded
//     PostgreSQL; upstash through @upstash/redis to a real redis-server behind the Upstash REST
//     stand-in of test/upstash-rest-server.ts (in this process). dapr needs a sidecar and a state
//     store, which do not run here.
//  2. A whole turn with the local parser on the postgres store (settings, history, parse, one tool
//     call in its transaction with the undo log, append), called in process and over HTTP.
// Usage: npm run bench:chat [-- iterations]
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import { chatTurn } from '../../functions/chat-turn/index.ts';
import { startEmbeddedPostgres } from '../../shared/db/embedded.ts';
import { createPostgresStore } from '../../shared/state/postgres.ts';
import { createUpstashStore } from '../../shared/state/upstash.ts';
import { createChat } from '../../shared/chat/turn.ts';
import { createLocalModel } from '../../shared/chat/local/model.ts';
import { getSettings } from '../../shared/db/settings.ts';
import { loadConfig } from '../../shared/config.ts';
import { migrate } from '../../shared/db/migrate.ts';
import { useRuntime } from '../../shared/runtime/current.ts';
import { createRuntime } from '../../shared/runtime/runtime.ts';
import { freePort } from '../../test/free-port.ts';
import { startRedis } from '../../test/redis-server.ts';
import { startUpstashRestServer } from '../../test/upstash-rest-server.ts';
import { report } from '../figures.ts';

const [iterations = 1000] = process.argv.slice(2).map(Number);
const warmup = 100;
const historySize = 200;
const step = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const dir = await mkdtemp(path.join(tmpdir(), 'taskfn-bench-chat-'));
await chmod(dir, 0o755);
step('starting PostgreSQL and Redis');
const db = await startEmbeddedPostgres({ dir, port: await freePort(), persistent: false, fast: true });
const redis = await startRedis();
const rest = await startUpstashRestServer({ redisPort: redis.port, token: 'bench-token' });
const secret = randomBytes(32).toString('base64url');
// The runtime's configuration. Events are written as ever but relayed to a
// sidecar address where nothing listens: the relay only backs off, and its work stays out of the figures.
Object.assign(process.env, {
  DATABASE_URL: db.url,
  LOG_LEVEL: 'silent',
  AUTH_MODE: 'jwt',
  JWT_SECRET: secret,
  EVENT_TRANSPORT: 'dapr',
  DAPR_HTTP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
  CHAT_HISTORY_MAX_MESSAGES: String(historySize),
});

const runtime = createRuntime(loadConfig(process.env));
useRuntime(runtime);
const { sql } = runtime;
await migrate(sql);
type Store = ReturnType<typeof createPostgresStore>;
type Message = Parameters<Store['append']>[2][number];

const ttlSeconds = 3600;
const stores: Store[] = [
  createPostgresStore({ ttlSeconds, maxMessages: historySize }),
  createUpstashStore({ url: rest.url, token: rest.token, timeoutMs: 5000, ttlSeconds, maxMessages: historySize }),
];

// A turn as the store keeps it: the message, and a reply with the action it took.
const turn = (i: number): Message[] => {
  const at = new Date().toISOString();
  const task = { id: randomUUID(), title: `errand number ${i}`, priority: 'medium', due_at: at, tags: ['home'], completed: false, overdue: false, version: 1 };
  return [
    { role: 'user', text: `add errand number ${i} tomorrow at 5pm #home`, at },
    { role: 'assistant', text: `Added “errand number ${i}”, due Tue 24 Nov, 17:00, #home.`, at, actions: [{ tool: 'add_task', args: { title: task.title, due_at: at, tags: ['home'] }, result: { task } }] },
  ];
};

interface Figures {
  name: string;
  p50: number;
  p99: number;
  mean: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
function figures(name: string, samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

/** Milliseconds `f` takes. */
async function timed(f: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await f();
  return performance.now() - started;
}

/** Runs `work` warmup + iterations times, one after the other; it answers the milliseconds of each named phase. */
async function measure(work: (i: number) => Promise<Record<string, number>>): Promise<Figures[]> {
  const samples = new Map<string, number[]>();
  for (let i = 0; i < warmup + iterations; i++) {
    const taken = await work(i);
    if (i < warmup) continue;
    for (const [phase, ms] of Object.entries(taken)) samples.set(phase, [...(samples.get(phase) ?? []), ms]);
  }
  return [...samples].map(([phase, values]) => figures(phase, values));
}

const results: { section: string; rows: Figures[] }[] = [];

for (const store of stores) {
  const user = `bench-${store.name}`;
  const id = randomUUID();
  for (let i = 0; i < historySize / 2; i++) await store.append(user, id, turn(i));
  const loaded = (await store.load(user, id))!.length;
  if (loaded !== historySize) throw new Error(`${store.name}: ${loaded} messages, expected ${historySize}`);
  step(`${store.name}: ${warmup} + ${iterations} × (load ${historySize} messages, append one turn)`);
  const rows = await measure(async (i) => {
    let size = 0;
    const load = await timed(async () => (size = (await store.load(user, id))!.length));
    const append = await timed(() => store.append(user, id, turn(historySize + i)));
    if (size !== historySize) throw new Error(`${store.name}: loaded ${size} messages`);
    return { 'load + append': load + append, load, append };
  });
  results.push({ section: `state: ${store.name}`, rows });
}

step(`turns with the local parser on the postgres store: ${warmup} + ${iterations} in process, then over HTTP`);
const chat = createChat({
  store: stores[0]!,
  model: createLocalModel(),
  maxToolCalls: 8,
  ttlSeconds,
  timeZoneOf: async (userId) => (await getSettings(userId)).timezone,
});
const messages = (i: number) => (i % 2 === 0 ? `add errand ${i} tomorrow 5pm #home` : 'what is overdue?');
async function conversationFor(user: string): Promise<string> {
  const actor = { userId: user, source: 'bench' };
  const first = await chat.turn(actor, { message: 'add errand 0' });
  for (let i = 1; i < historySize / 2; i++) await chat.turn(actor, { message: messages(i), conversation_id: first.conversation_id });
  return first.conversation_id;
}

{
  const actor = { userId: 'bench-turn', source: 'bench' };
  const conversation = await conversationFor(actor.userId);
  const rows = await measure(async (i) => ({
    'turn (in process)': await timed(() => chat.turn(actor, { message: messages(i), conversation_id: conversation })),
  }));
  results.push({ section: 'turn', rows });
}

{
  const server: Server = createServer((req, res) => void chatTurn(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/chat`;
  const user = 'bench-http';
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
  const conversation = await conversationFor(user);
  const rows = await measure(async (i) => ({
    'POST /api/chat (HTTP, one client)': await timed(async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ conversation_id: conversation, message: messages(i) }),
      });
      if (res.status !== 200) throw new Error(`POST /api/chat answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }),
  }));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  results.push({ section: 'turn', rows });
}

await runtime.close();
await rest.close();
await redis.destroy();
await db.stop();
await rm(dir, { recursive: true, force: true });

const ms = (n: number) => n.toFixed(2);
const turnRows = results.filter((r) => r.section === 'turn').flatMap((r) => r.rows);
const inProcess = turnRows.find((r) => r.name.includes('in process'));
report('chat', [
  ...results.filter((r) => r.section !== 'turn').flatMap(({ section, rows }) =>
    rows.filter((r) => r.name.includes('load + append')).map((r) => ({ measure: `${section}: ${r.name} p99`, figure: `${ms(r.p99)} ms (p50 ${ms(r.p50)})`, target: '≤ 5 ms', met: r.p99 <= 5 })),
  ),
  ...(inProcess ? [{ measure: 'chat turn without the model, p99', figure: `${ms(inProcess.p99)} ms (p50 ${ms(inProcess.p50)})`, target: '≤ 20 ms', met: inProcess.p99 <= 20 }] : []),
]);
// The machine is shared: its load at the end says how much else ran beside the bench.
const load = loadavg().map((l) => l.toFixed(1)).join(' ');
const cpu = cpus();
process.stdout.write(
  `${new Date().toISOString().slice(0, 10)}, ${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ` +
    `${iterations} iterations after ${warmup} warm-up, one at a time, conversations of ${historySize} messages, load average ${load}\n\n` +
    '| what | p50 ms | p99 ms | mean ms |\n|---|---|---|---|\n' +
    results.flatMap(({ section, rows }) => rows.map((r) => `| ${section}: ${r.name} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.mean)} |`)).join('\n') +
    '\n',
);
