import postgres from 'postgres';
import type { Config } from '../config.ts';
import { runtime } from '../runtime/current.ts';

/**
 * The process's connection pool, built once by createRuntime. postgres.js connects on the first
 * query. The server-side timeouts end work a client no longer waits for; a stalled server (one that
 * holds its connections and answers nothing) is bounded by the request deadline instead
 * (shared/http/deadline.ts), since only the client can notice it.
 */
export function createPool(config: Config) {
  return postgres(config.DATABASE_URL ?? '', {
    max: config.DATABASE_POOL_MAX,
    idle_timeout: 60,
    connect_timeout: config.DATABASE_CONNECT_TIMEOUT_MS / 1000,
    // Seconds before a connection that failed tries again. postgres.js's default grows to 20 s over
    // an outage, so after a restart requests would wait for it long after the server was back; at
    // most a second (jittered), each request during an outage still meets a refused connection
    // and answers 503 quickly.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
    connection: {
      application_name: 'taskfn',
      statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    onnotice: () => {},
  });
}

export type Sql = ReturnType<typeof createPool>;
export type Tx = postgres.TransactionSql;

/** The current runtime's pool. */
export const db = (): Sql => runtime().sql;
