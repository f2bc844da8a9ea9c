// npm start: the whole function set in one process on embedded defaults.
import { createServer } from 'node:http';
import { prepareLocalEnv } from './local-env.ts';

const { config, db } = await prepareLocalEnv({ auth: true });
const { sql } = await import('../shared/db/client.ts');
const { migrate } = await import('../shared/db/migrate.ts');
const { log } = await import('../shared/observability/log.ts');
const { loadHostHandler } = await import('../functions/host.ts');
const { signDevToken, authConfigured } = await import('../shared/auth/jwt.ts');
const { startRelay, stopRelay } = await import('../shared/events/process-relay.ts');
const { startKafkaConsumers } = await import('../shared/events/consumers.ts');
const { readSchedule, runOnSchedule } = await import('../shared/time/schedule.ts');
const { applyServerLimits } = await import('../shared/http/server-limits.ts');
const { syncForThisProcess, stopSyncHub } = await import('../shared/sync/process-hub.ts');

if (!authConfigured()) {
  process.stderr.write('taskfn: invalid configuration: JWT_SECRET or JWKS_URL must be set when AUTH_MODE=jwt\n');
  process.exit(1);
}

const applied = await migrate(sql);
if (applied.length > 0) log.info({ applied }, 'migrations applied');

const handler = await loadHostHandler();
await startRelay(handler.subscribers);
const consumers = startKafkaConsumers(handler.events);
// Listening before the first poll arrives.
await syncForThisProcess();
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
    `\n  taskfn is listening on ${url}\n  A token for user "dev" (valid ${lifetime(config.JWT_MAX_LIFETIME_SECONDS)}; POST ${url}/api/dev/token for others):\n\n` +
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
  await stopSyncHub();
  server.closeIdleConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(schedules.map((s) => s.stop()));
  await stopRelay();
  await Promise.all(consumers.map((c) => c.stop()));
  await sql.end({ timeout: 5 });
  await db?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
