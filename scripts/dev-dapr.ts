// npm run dev:dapr: the laptop path the seeds describe with `dapr run`, without the dapr CLI.
// PostgreSQL (embedded, as npm start), Kafka and Redis where the committed local components say
// (dapr/components: localhost:9092 and :6379), and every function of the catalog as its own process
// (its bundle, as the image runs it) beside its own daprd, loaded with those components, the
// Subscriptions, the Resiliency policy and dapr/config.yaml, with app and Dapr API tokens on.
// A gateway on PORT routes /api/... to the function that serves it, as the chart's HTTPRoute does.
// Ctrl-C stops everything; Kafka's data stays under DATA_DIR/kafka.
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import path from 'node:path';
import { catalog } from '../functions/catalog.ts';
import { signDevToken } from '../shared/auth/jwt.ts';
import { migrate } from '../shared/db/migrate.ts';
import { compile, match } from '../shared/http/route.ts';
import { useRuntime } from '../shared/runtime/current.ts';
import { createRuntime } from '../shared/runtime/runtime.ts';
import { daprdBinary } from '../test/dapr/daprd.ts';
import * as stack from '../test/dapr/stack.ts';
import { buildAll } from './build.ts';
import { prepareLocalEnv } from './local-env.ts';

const { config, db } = await prepareLocalEnv({ auth: true });
// This process migrates, signs dev tokens and routes; the functions run in their own processes.
const runtime = createRuntime(config);
useRuntime(runtime);
const { sql } = runtime;

const say = (msg: string) => process.stdout.write(`[dev:dapr] ${msg}\n`);
const root = path.resolve(import.meta.dirname, '..');

const applied = await migrate(sql);
if (applied.length > 0) say(`migrations applied: ${applied.join(', ')}`);

say(`daprd: ${await daprdBinary()}`);
const addresses = await stack.localAddresses();
say(`Kafka on 127.0.0.1:${addresses.kafkaPort} (data in ${path.join(config.DATA_DIR, 'kafka')})`);
const kafka = await stack.startLocalKafka(addresses.kafkaPort, path.resolve(config.DATA_DIR, 'kafka'));
// Without a state component in the set nothing reads Redis yet; it runs where the chart's would be.
const redisPort = addresses.redisPort ?? 6379;
say(`Redis on 127.0.0.1:${redisPort}`);
const redis = await stack.startLocalRedis(redisPort);

say('bundling the functions into dist/');
const dist = (await buildAll()).outdir;
const workdir = await stack.daprWorkdir({ scratch: false });
// Fresh per run: nothing outside these processes needs them.
const tokens = { app: randomBytes(24).toString('base64url'), dapr: randomBytes(24).toString('base64url') };
const prefix = (name: string) => (line: string) => process.stdout.write(`${name.padEnd(18)}| ${line}\n`);

// The gateway: each /api route goes to the function that declares it.
const routes = (await Promise.all(catalog.map((entry) => entry.load())))
  .flatMap((handler) => handler.routes)
  .filter((r) => r.path.startsWith('/api/'))
  .map(compile);
const ports = new Map<string, number>();

async function gateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/api/dev/token' && config.AUTH_MODE === 'dev') {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const user = (JSON.parse(body || '{}') as { user_id?: string }).user_id ?? 'dev';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: await signDevToken(user) }));
    return;
  }
  const found = match(routes, req.method ?? 'GET', url.pathname);
  const port = found.kind === 'found' ? ports.get(found.route.fn ?? '') : undefined;
  if (!port) {
    const [status, code] = found.kind === 'method' ? [405, 'method_not_allowed'] : [404, 'not_found'];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message: `no function serves ${req.method} ${url.pathname}`, details: [] } }));
    return;
  }
  const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (err) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'bad_gateway', message: err.message, details: [] } })));
  req.pipe(upstream);
}
const server = createServer((req, res) => void gateway(req, res));

const running: Awaited<ReturnType<typeof stack.startFunction>>[] = [];
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping');
  server.close();
  await Promise.all(running.map((f) => f.stop()));
  await kafka.broker.stop();
  await redis.destroy();
  await runtime.close();
  await db?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));


try {
  for (const entry of catalog) {
    say(`starting ${entry.name} (${entry.trigger}) and its daprd`);
    const fn = await stack.startFunction(entry.name, {
      dist,
      workdir,
      tokens,
      env: {
        DATABASE_URL: process.env.DATABASE_URL,
        JWT_SECRET: process.env.JWT_SECRET,
        NODE_ENV: config.NODE_ENV,
        AUTH_MODE: config.AUTH_MODE,
        LOG_LEVEL: config.LOG_LEVEL,
      },
      daprdLogLevel: 'warn',
      onAppLine: prefix(entry.name),
      onDaprdLine: prefix(`${entry.name} daprd`),
    });
    running.push(fn);
    ports.set(entry.name, Number(new URL(fn.url).port));
  }
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  await shutdown(1);
}

await new Promise<void>((resolve) => server.listen(config.PORT, '127.0.0.1', resolve));
const table = running.map((f) => `  ${f.name.padEnd(18)} app ${f.url}   daprd ${f.daprd.url}`).join('\n');
process.stdout.write(`\n  taskfn under Dapr: ${running.length} functions, each with its own daprd\n${table}\n\n  gateway: http://localhost:${config.PORT}  (from ${root})\n`);
if (config.AUTH_MODE === 'dev') {
  process.stdout.write(`\n  export TOKEN=${await signDevToken('dev')}\n  curl -H "Authorization: Bearer $TOKEN" http://localhost:${config.PORT}/api/tasks\n\n`);
}
