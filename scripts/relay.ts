// npm run relay: publish every pending outbox event with EVENT_TRANSPORT, then exit. With the local
// transport it delivers to the catalog's event functions in this process.
import { loadHostHandler } from '../functions/host.ts';
import { useRuntime } from '../shared/runtime/current.ts';
import { createRuntime } from '../shared/runtime/runtime.ts';
import { prepareLocalEnv } from './local-env.ts';

const { config, db } = await prepareLocalEnv({ auth: false });
const runtime = createRuntime(config);
useRuntime(runtime);
try {
  const relay = await runtime.startRelay((await loadHostHandler()).subscribers);
  const published = await relay.drain();
  const [left] = await runtime.sql<{ n: number }[]>`select count(*)::int as n from outbox where published_at is null`;
  process.stdout.write(`published ${published}; still pending ${left!.n}\n`);
  process.exitCode = left!.n === 0 ? 0 : 1;
} finally {
  await runtime.close();
  await db?.stop();
}
