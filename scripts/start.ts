// npm start: the whole function set in one process on embedded defaults.
import { createServer } from 'node:http';
import { loadHostHandler } from '../functions/host.ts';
import { authConfigured, signDevToken } from '../shared/auth/jwt.ts';
import { migrate } from '../shared/db/migrate.ts';
import { startKafkaConsumers } from '../shared/events/consumers.ts';
import { applyServerLimits } from '../shared/http/server-limits.ts';
import { log } from '../shared/observability/log.ts';
import { useRuntime } from '../shared/runtime/current.ts';
import { createRuntime } from '../shared/runtime/runtime.ts';
import { readSchedule, runOnSchedule } from '../shared/time/schedule.ts';
import { prepareLocalEnv } from './local-env.ts';

const { config, db } = await prepareLocalEnv({ auth: true });
if (!authConfigured(config)) {
  process.stderr.write('taskfn: invalid configuration: JWT_SECRET or JWKS_URL must be set when AUTH_MODE=jwt\n');
  process.exit(1);
}
const runtime = createRuntime(config);
useRuntime(runtime);

const applied = await migrate(runtime.sql);
if (applied.length > 0) log.info({ applied }, 'migrations applied');

const handler = await loadHostHandler();
await runtime.startRelay(handler.subscribers);
const consumers = startKafkaConsumers(config, handler.events);
// Listening before the first poll arrives.
await runtime.sync();
// Each cron function on the schedule of its Dapr cron binding file, the one the cluster's sidecars load.
const schedules = handler.crons.map((cron) =>
  runOnSchedule(cron.name, config.CRON_TICK_SCHEDULE ?? readSchedule(new URL(`../dapr/components/${cron.binding}.yaml`, import.meta.url)), cron.run),
);
const server = applyServerLimits(createServer((req, res) => void handler(req, res)), config);
server.keepAliveTimeout = 65_000;
// Loopback unless HOST says otherwise: in dev auth mode anyone who reaches the port can mint a token.
await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));

const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`;
log.info({ url, address: server.address(), database: db ? 'embedded' : 'external', auth: config.AUTH_MODE }, 'taskfn is up');
if (config.AUTH_MODE === 'dev') {
  const token = await signDevToken('dev');
  process.stdout.write(
    `\n  taskfn is listening on ${url}\n  Open ${url}/ in a browser and sign in as any user name.\n  A token for user "dev" (valid ${lifetime(config.JWT_MAX_LIFETIME_SECONDS)}; POST ${url}/api/dev/token for others):\n\n` +
      `  export TOKEN=${token}\n  curl -H "Authorization: Bearer $TOKEN" ${url}/api/tasks\n\n`,
  );
}

/** "24 hours", "7 days", "90 minutes": the dev token's lifetime as a person reads it. */
function lifetime(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 86_400) return `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  return `${Math.round(seconds / 60)} minutes`;
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  // Held polls answer now (what they have), so the server can close.
  await runtime.stopSync();
  server.closeIdleConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(schedules.map((s) => s.stop()));
  await runtime.stopRelay();
  await Promise.all(consumers.map((c) => c.stop()));
  await runtime.close();
  await db?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
