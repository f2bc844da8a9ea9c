import { createTask, setCompleted } from '../shared/db/tasks.ts';
import { db } from '../shared/db/client.ts';
import { type Case, corpusClock, corpusTasks, corpusZones } from '../shared/chat/local/corpus.ts';
import { parseMessage } from '../shared/chat/local/parse.ts';
import type { Planned } from '../shared/chat/messages.ts';
import { TaskCreate } from '../shared/domain/task.ts';
import type { Answer } from './gemini-api.ts';

// The chat corpus (shared/chat/local/corpus.ts) as a database holds it: its tasks seeded for a
// user, and what a user's tasks look like after a turn, for comparing two models' effects.

export interface Acting {
  zone: string;
  message: string;
  plan: Planned[];
}

/** The corpus's phrasings whose expected plan is tool calls. */
export const acting: Acting[] = corpusZones.flatMap(([zone, cases]) =>
  cases.flatMap(([message, expected]: Case) => ('plan' in expected ? [{ zone, message, plan: expected.plan }] : [])),
);

/**
 * A phrasing the local model plans as expected on a turn of its own: the corpus reads "it" as
 * the task the previous turn acted on, which a first turn has not got.
 */
export const standalone = ({ zone, message, plan }: Acting): boolean =>
  JSON.stringify(parseMessage(message, { ...corpusClock(zone), tasks: corpusTasks })) === JSON.stringify({ kind: 'actions', actions: plan });

/** Gives the user the corpus's tasks; answers each corpus id's id in the database. */
export async function seedCorpusTasks(userId: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const { id, title, due_at, tags, priority, completed } of corpusTasks) {
    const task = await createTask({ userId, source: 'test' }, TaskCreate.parse({ title, due_at, tags, priority }));
    if (completed) await setCompleted({ userId, source: 'test' }, task.id, true);
    ids.set(id, task.id);
  }
  return ids;
}

/** The plan with the corpus's task ids replaced by the user's. */
export const withIds = (plan: Planned[], ids: Map<string, string>): Planned[] =>
  plan.map(({ tool, args }) => ({ tool, args: typeof args.task_id === 'string' ? { ...args, task_id: ids.get(args.task_id) ?? args.task_id } : args }));

/** What Gemini answers when it acts on a plan: its calls as functionCall parts in one model turn, then a sentence. */
export const geminiActing = (plan: Planned[]): Answer[] => [
  { parts: plan.map(({ tool, args }, i) => ({ functionCall: { name: tool, args, id: `call-${i + 1}` } })) },
  { parts: [{ text: 'Done.' }] },
];

/**
 * Every field of the user's tasks a chat turn can change, ids left out: title, description,
 * priority, due time, done, tags, scheduled reminders, and the series a task belongs to.
 */
export async function taskSnapshot(userId: string): Promise<unknown[]> {
  const rows = await db()`
    select
      t.title,
      t.description,
      t.priority,
      t.due_at,
      t.completed,
      coalesce((select array_agg(g.name order by g.name) from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = t.id), '{}') as tags,
      coalesce((select json_agg(json_build_object('offset', r.offset_text, 'at', r.at, 'fire_at', r.fire_at) order by r.offset_text, r.at, r.fire_at)
        from reminders r
        where r.task_id = t.id
          and r.status = 'scheduled'), '[]') as reminders,
      s.recurrence,
      s.mode,
      s.active
    from tasks t
    left join recurring_tasks s on s.id = t.recurring_task_id
    where t.user_id = ${userId}
    order by t.title, t.due_at nulls first, t.completed
  `;
  return rows.map((r) => ({ ...r }));
}
