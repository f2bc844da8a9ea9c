// npm run migrate: apply pending migrations to DATABASE_URL, or to the embedded database of npm start.
import { createPool } from '../shared/db/client.ts';
import { migrate } from '../shared/db/migrate.ts';
import { prepareLocalEnv } from './local-env.ts';

const { config, db } = await prepareLocalEnv({ auth: false });
const sql = createPool(config);
try {
  const applied = await migrate(sql);
  process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
} finally {
  await sql.end();
  await db?.stop();
}
