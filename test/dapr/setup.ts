import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before } from 'node:test';
import { db } from '../../shared/db/client.ts';
import type { LocalRedis } from './redis.ts';
import {
  type FunctionOptions,
  type FunctionWithSidecar,
  type LocalKafka,
  type Tokens,
  bundles,
  daprWorkdir,
  localAddresses,
  startFunction,
  startLocalKafka,
  startLocalRedis,
} from './stack.ts';

const sql = db();

export interface DaprTestStack {
  kafka: LocalKafka;
  /** Redis on the state store component's port, when the file asked for it. */
  redis?: LocalRedis;
  tokens: Tokens;
  /** The running functions by name, each with its own daprd. */
  fns: Record<string, FunctionWithSidecar>;
  /** Resolves once everything above runs: root-level before hooks of a file run side by side. */
  ready: Promise<void>;
  /** One more instance of a function, with its own daprd, stopped with the rest. */
  another(name: string): Promise<FunctionWithSidecar>;
}

/**
 * A test file's stack, started before its tests and stopped after them: Kafka (and Redis) on the
 * committed components' ports and `names`, each as its own process with its own daprd. `env` adds
 * to what every function gets (the file's own database, the test JWT secret).
 */
export function daprStack(names: string[], { env = {}, redis = false }: { env?: NodeJS.ProcessEnv; redis?: boolean } = {}): DaprTestStack {
  const tokens = { app: randomBytes(24).toString('base64url'), dapr: randomBytes(24).toString('base64url') };
  const extra: FunctionWithSidecar[] = [];
  let options: FunctionOptions;
  let started!: { resolve: () => void; reject: (err: unknown) => void };
  const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
  // A file whose stack fails to start reports that failure from the hook, not this promise too.
  ready.catch(() => {});
  const stack = {
    tokens,
    fns: {},
    ready,
    another: async (name: string) => {
      await ready;
      const fn = await startFunction(name, options);
      extra.push(fn);
      return fn;
    },
  } as unknown as DaprTestStack;
  before(() => start().then(started.resolve, (err: unknown) => {
    started.reject(err);
    throw err;
  }));
  async function start() {
    const addresses = await localAddresses();
    stack.kafka = await startLocalKafka(addresses.kafkaPort);
    if (redis) {
      if (!addresses.redisPort) throw new Error('no state.redis component in dapr/components');
      stack.redis = await startLocalRedis(addresses.redisPort);
    }
    options = {
      dist: await bundles(),
      workdir: await daprWorkdir({ scratch: true }),
      tokens,
      env: {
        DATABASE_URL: process.env.DATABASE_URL,
        JWT_SECRET: process.env.JWT_SECRET,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        // Outages in these tests last seconds; the relay should notice the way back within one.
        RELAY_MAX_BACKOFF_MS: '1000',
        ...env,
      },
    };
    // One at a time: on two shared cores, a dozen JavaScript and Go processes starting together
    // mostly wait on each other.
    for (const name of names) stack.fns[name] = await startFunction(name, options);
  }
  after(async () => {
    await Promise.all([...Object.values(stack.fns), ...extra].map((f) => f.stop()));
    await stack.kafka?.broker.destroy();
    await stack.redis?.destroy();
    if (options) await rm(options.workdir, { recursive: true, force: true });
    await sql.end();
  });
  return stack;
}
