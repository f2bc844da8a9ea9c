// npm run relay: publish every pending outbox event with EVENT_TRANSPORT, then exit. With the local
// transport it delivers to the catalog's event functions in this process.
import { prepareLocalEnv } from './local-env.ts';

const { db } = await prepareLocalEnv({ auth: false });
const { sql } = await import('../shared/db/client.ts');
const { loadHostHandler } = await import('../functions/host.ts');
const { startRelay, stopRelay } = await import('../shared/events/process-relay.ts');
try {
  const relay = await startRelay((await loadHostHandler()).subscribers);
  const published = await relay.drain();
  const [left] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where published_at is null`;
  process.stdout.write(`published ${published}; still pending ${left!.n}\n`);
  process.exitCode = left!.n === 0 ? 0 : 1;
} finally {
  await stopRelay();
  await sql.end();
  await db?.stop();
}
