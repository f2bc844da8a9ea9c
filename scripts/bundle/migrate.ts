// dist/migrate.js, the chart's migration Job: applies shared/db/migrations (copied beside it as
// dist/migrations/) to DATABASE_URL. Unlike `npm run migrate` it never starts an embedded PostgreSQL.
import { loadConfigOrExit } from '../../shared/config.ts';
import { createPool } from '../../shared/db/client.ts';
import { migrate } from '../../shared/db/migrate.ts';

const config = loadConfigOrExit();
if (!config.DATABASE_URL) {
  process.stderr.write('DATABASE_URL: required to migrate\n');
  process.exit(1);
}
const sql = createPool(config);
try {
  const applied = await migrate(sql);
  process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
} finally {
  await sql.end();
}
