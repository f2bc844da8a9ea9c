import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { sql } from '../../shared/db/client.ts';
import { type FunctionWithSidecar, type LocalKafka, type Tokens, bundles, daprWorkdir, localAddresses, startFunction, startLocalKafka } from './stack.ts';

export interface DaprTestStack {
  kafka: LocalKafka;
  tokens: Tokens;
  /** The running functions by name, each with its own daprd. */
  fns: Record<string, FunctionWithSidecar>;
}

/**
 * A test file's stack, started before its tests and stopped after them: Kafka on the committed
 * component's port and `names`, each as its own process with its own daprd. `env` adds to what
 * every function gets (the file's own database, the test JWT secret).
 */
export function daprStack(names: string[], env: NodeJS.ProcessEnv = {}): DaprTestStack {
  const stack = { tokens: { app: randomBytes(24).toString('base64url'), dapr: randomBytes(24).toString('base64url') }, fns: {} } as DaprTestStack;
  before(async () => {
    stack.kafka = await startLocalKafka((await localAddresses()).kafkaPort);
    const [dist, workdir] = [await bundles(), await daprWorkdir({ scratch: true })];
    // One at a time: on two shared cores, a dozen JavaScript and Go processes starting together
    // mostly wait on each other.
    for (const name of names) {
      stack.fns[name] = await startFunction(name, {
        dist,
        workdir,
        tokens: stack.tokens,
        env: {
          DATABASE_URL: process.env.DATABASE_URL,
          JWT_SECRET: process.env.JWT_SECRET,
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
          // Outages in these tests last seconds; the relay should notice the way back within one.
          RELAY_MAX_BACKOFF_MS: '1000',
          ...env,
        },
      });
    }
  });
  after(async () => {
    await Promise.all(Object.values(stack.fns).map((f) => f.stop()));
    await stack.kafka?.broker.destroy();
    await sql.end();
  });
  return stack;
}
