import postgres from 'postgres';
import { getConfig } from '../config.ts';

const config = getConfig();

// The only connection pool of the process. postgres.js connects on first query, so importing this
// module is free; the local host sets DATABASE_URL (embedded PostgreSQL) before it is imported.
export const sql = postgres(config.DATABASE_URL ?? '', {
  max: config.DATABASE_POOL_MAX,
  idle_timeout: 60,
  connect_timeout: 5,
  connection: { application_name: 'taskfn' },
  onnotice: () => {},
});

export type Sql = typeof sql;
export type Tx = postgres.TransactionSql;
