import * as z from 'zod';
import { db } from '../db/client.ts';
import { replaceReminders } from '../db/reminders.ts';
import { listTasks } from '../db/task-list.ts';
import { setTaskRecurrence } from '../db/task-series.ts';
import { ownTask } from '../db/task-row.ts';
import * as tasks from '../db/tasks.ts';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { Recurrence } from '../domain/recurrence/index.ts';
import { type ReminderInput, ReminderList } from '../domain/reminder.ts';
import { type Task, TaskCreate, TaskFieldsPatch, TaskQuery } from '../domain/task.ts';
import { syncedTransaction } from '../sync/commit.ts';
import { validationError } from '../http/errors.ts';
import type { ChatAction, ToolName } from './messages.ts';
import { type TurnContext, recordChange, reminderInputs } from './undo-log.ts';

// The assistant's tools. Each calls the same service as the HTTP function, as the calling user
// only, with its arguments checked by the same zod schema: a message can neither reach another
// user's tasks nor skip validation. Write tools record what they change, for undo.

export interface ToolContext extends TurnContext {
  actor: Actor;
}

type Result = Record<string, unknown>;

interface Tool<S extends z.ZodType = z.ZodType> {
  description: string;
  args: S;
  run: (ctx: ToolContext, args: z.output<S>) => Promise<Result>;
}

const tool = <S extends z.ZodType>(t: Tool<S>): Tool => t;

/** What a tool answers about a task: enough to name it and act on it again. */
export const brief = (t: Task) => ({
  id: t.id,
  title: t.title,
  priority: t.priority,
  due_at: t.due_at,
  tags: t.tags,
  completed: t.completed,
  overdue: t.overdue,
  version: t.version,
});

const TaskId = z.uuid('must be a UUID').describe('the id of one of the user’s tasks, as list_tasks answers it');

/** Logs the change a task service made, in its transaction. */
const logged = (ctx: ToolContext, name: ToolName): tasks.OnChange => (tx, { before, after }) => recordChange(tx, ctx, name, before, after);

export const tools: Record<ToolName, Tool> = {
  add_task: tool({
    description:
      'Create a task. due_at is ISO 8601 with an offset, in the user’s time zone. recurrence makes it the first of a series ' +
      '(it needs due_at); reminders replace the user’s default reminder.',
    args: TaskCreate,
    run: async (ctx, args) => {
      let reminders: ReminderInput[] = [];
      const task = await tasks.createTask(ctx.actor, args, async (tx, { after }) => {
        // A task gets reminders only when given them, or by default with a due time.
        if (after!.due_at || args.reminders?.length) reminders = await reminderInputs(tx, after!.id);
        await recordChange(tx, ctx, 'add_task', null, { ...after!, reminders });
      });
      return { task: brief(task), ...(reminders.length > 0 ? { reminders } : {}), ...(args.recurrence ? { recurrence: args.recurrence } : {}) };
    },
  }),
  list_tasks: tool({
    description: 'List the user’s tasks with the filters of GET /api/tasks (status open by default; overdue "true"; comma lists for priority and tag; q searches titles and descriptions).',
    args: TaskQuery,
    run: async (ctx, args) => {
      const page = await listTasks(ctx.actor.userId, args);
      return { items: page.items.map(brief), next_cursor: page.next_cursor };
    },
  }),
  update_task: tool({
    description: 'Change fields of one task (title, description, priority, due_at, tags).',
    args: z.strictObject({ task_id: TaskId, changes: TaskFieldsPatch }),
    run: async (ctx, { task_id, changes: { version, ...patch } }) => ({
      task: brief(await tasks.updateTask(ctx.actor, task_id, patch, { expected: version, onChange: logged(ctx, 'update_task') })),
    }),
  }),
  complete_task: tool({
    description: 'Mark one task done, or open again with completed: false.',
    args: z.strictObject({ task_id: TaskId, completed: z.boolean().default(true) }),
    run: async (ctx, { task_id, completed }) => ({
      task: brief(await tasks.setCompleted(ctx.actor, task_id, completed, { onChange: logged(ctx, 'complete_task') })),
    }),
  }),
  delete_task: tool({
    description: 'Delete one task.',
    args: z.strictObject({ task_id: TaskId }),
    run: async (ctx, { task_id }) => {
      // Its reminders go with it (a cascade), so they are read first, at the version deleted.
      const task = await tasks.getTask(ctx.actor.userId, task_id);
      const reminders = await reminderInputs(db(), task_id);
      await tasks.deleteTask(ctx.actor, task_id, {
        expected: task.version,
        onChange: (tx, { before }) => recordChange(tx, ctx, 'delete_task', { ...before!, reminders }, null),
      });
      return { deleted: brief(task) };
    },
  }),
  set_reminder: tool({
    description: 'Replace the reminders of one task: each {"offset": ISO 8601 duration before the due time, like "PT30M" or "P1D"} or {"at": ISO 8601 time}; [] removes them.',
    args: z.strictObject({ task_id: TaskId, reminders: ReminderList }),
    run: async (ctx, { task_id, reminders }) =>
      syncedTransaction(db(), async (tx) => {
        const task = await ownTask(tx, ctx.actor.userId, task_id, { lock: true });
        const before = await reminderInputs(tx, task_id);
        const stored = await replaceReminders(tx, ctx.actor.userId, task_id, reminders, 'reminders.');
        await recordChange(tx, ctx, 'set_reminder', { ...task, reminders: before }, { ...task, reminders: await reminderInputs(tx, task_id) });
        return { task: brief(task), reminders: stored.map((r) => ({ ...(r.offset ? { offset: r.offset } : { at: r.at }), fire_at: r.fire_at })) };
      }),
  }),
  set_recurrence: tool({
    description:
      'Make one task repeat from its due time (RFC 5545 names: freq, interval, by_weekday like "MO", by_month_day, until, count; ' +
      'mode on_completion makes the next task when this one is done, schedule makes one per occurrence), or stop it repeating with null.',
    args: z.strictObject({ task_id: TaskId, recurrence: Recurrence.nullable() }),
    run: async (ctx, { task_id, recurrence }) => {
      const { task, recurring_task } = await setTaskRecurrence(ctx.actor, task_id, recurrence, (tx, { before, after }) =>
        recordChange(tx, ctx, 'set_recurrence', before, after),
      );
      return { task: brief(task), recurrence: recurring_task ? recurring_task.recurrence : null };
    },
  }),
};

export const isTool = (name: string): name is ToolName => Object.hasOwn(tools, name);

const failure = (err: AppError): Result => ({ error: { code: err.code, message: err.message, ...(err.details.length > 0 ? { details: err.details } : {}) } });

/**
 * Runs the tools of one turn, at most `max` calls; later calls answer tool_limit without running.
 * A bad argument or a refused change becomes the call's result, for the model to read; anything
 * else (the database down) ends the turn.
 */
export class ToolRunner {
  readonly actions: ChatAction[] = [];
  constructor(
    readonly ctx: ToolContext,
    readonly max: number,
  ) {}

  get exhausted(): boolean {
    return this.actions.length >= this.max;
  }

  async run(name: string, rawArgs: unknown): Promise<Result> {
    const args = rawArgs !== null && typeof rawArgs === 'object' && !Array.isArray(rawArgs) ? (rawArgs as Result) : {};
    if (this.exhausted) return { error: { code: 'tool_limit', message: `a turn makes at most ${this.max} tool calls` } };
    const result = await this.execute(name, args);
    this.actions.push({ tool: name, args, result });
    return result;
  }

  private async execute(name: string, args: Result): Promise<Result> {
    if (!isTool(name)) return { error: { code: 'unknown_tool', message: `there is no tool ${name}` } };
    const parsed = tools[name].args.safeParse(args);
    if (!parsed.success) return failure(validationError(parsed.error, 'body'));
    try {
      return await tools[name].run(this.ctx, parsed.data);
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return failure(err);
      throw err;
    }
  }
}
