// npm run migrate: apply pending migrations to DATABASE_URL, or to the embedded database of npm start.
import { prepareLocalEnv } from './local-env.ts';

const { db } = await prepareLocalEnv({ auth: false });
const { sql } = await import('../shared/db/client.ts');
const { migrate } = await import('../shared/db/migrate.ts');
try {
  const applied = await migrate(sql);
  process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
} finally {
  await sql.end();
  await db?.stop();
}
