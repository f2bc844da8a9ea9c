import postgres from 'postgres';
import { getConfig } from '../config.ts';

const config = getConfig();

// The only connection pool of the process. postgres.js connects on first query, so importing this
// module is free; the local host sets DATABASE_URL (embedded PostgreSQL) before it is imported.
// The server-side timeouts end work a client no longer waits for; a stalled server (one that
// holds its connections and answers nothing) is bounded by the request deadline instead
// (shared/http/deadline.ts), since only the client can notice it.
export const sql = postgres(config.DATABASE_URL ?? '', {
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

export type Sql = typeof sql;
export type Tx = postgres.TransactionSql;
