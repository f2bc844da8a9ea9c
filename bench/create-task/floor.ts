// The floor for bench/create-task: a bare node:http server doing the database work of create-task
// (the same statements, in one transaction: the task and its outbox event) with postgres.js, and
// nothing else: no framework, no auth, no validation, no logs, no metrics, no relay. Keep it in step
// with shared/db/tasks.ts#createTask.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const user = 'floor-user';

const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const input = JSON.parse(Buffer.concat(chunks).toString()) as { title: string; priority: string };
    sql
      .begin(async (tx) => {
        const [row] = await tx`
          insert into tasks (user_id, title, description, priority, due_at)
          values (${user}, ${input.title}, ${''}, ${input.priority}, ${null})
          returning
            id, title, description, priority, due_at, completed, completed_at,
            created_at, updated_at, version,
            coalesce(due_at < now(), false) as overdue,
            '{}'::text[] as tags`;
        // The task.created event, in the same transaction (the transactional outbox).
        const event = {
          specversion: '1.0', id: randomUUID(), time: new Date().toISOString(), datacontenttype: 'application/json',
          type: 'com.taskfn.task.created', source: 'create-task', subject: row!.id as string, partitionkey: user,
          data: { user_id: user, task: row },
        };
        await tx`
          insert into outbox (event_id, topic, partition_key, type, event)
          values (${event.id}, 'task-events', ${user}, ${event.type}, ${tx.json(event)})`;
        return row;
      })
      .then((row) => {
        const body = JSON.stringify(row);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(500);
        res.end();
      });
  });
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('floor listening\n'));
process.on('SIGTERM', () => {
  server.close();
  void sql.end().then(() => process.exit(0));
});
