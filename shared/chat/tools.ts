import { z } from 'zod';
import { listTasks } from '../db/task-list.ts';
import * as tasks from '../db/tasks.ts';
import { AppError } from '../domain/errors.ts';
import { type Task, TaskCreate, TaskPatch, TaskQuery } from '../domain/task.ts';
import { validationError } from '../http/errors.ts';
import type { ChatAction, ToolName } from './messages.ts';
import { recordChange } from './undo-log.ts';

// The assistant's tools. Each calls the same service as the HTTP function, as the calling user
// only, with its arguments checked by the same zod schema: a message can neither reach another
// user's tasks nor skip validation. Write tools record what they change, for undo.

export interface ToolContext {
  actor: tasks.Actor;
  conversationId: string;
  turnId: string;
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

/** Tools that need services another issue provides answer this until then. */
const notYet = (what: string) => () => Promise.resolve({ error: { code: 'not_available', message: `${what} are not available yet` } });

export const tools: Record<ToolName, Tool> = {
  add_task: tool({
    description: 'Create a task. due_at is ISO 8601 with an offset, in the user’s time zone.',
    args: TaskCreate,
    run: async (ctx, args) => ({ task: brief(await tasks.createTask(ctx.actor, args, recordChange(ctx, 'add_task'))) }),
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
    args: z.strictObject({ task_id: TaskId, changes: TaskPatch }),
    run: async (ctx, { task_id, changes: { version, ...patch } }) => ({
      task: brief(await tasks.updateTask(ctx.actor, task_id, patch, version, recordChange(ctx, 'update_task'))),
    }),
  }),
  complete_task: tool({
    description: 'Mark one task done, or open again with completed: false.',
    args: z.strictObject({ task_id: TaskId, completed: z.boolean().default(true) }),
    run: async (ctx, { task_id, completed }) => ({
      task: brief(await tasks.setCompleted(ctx.actor, task_id, completed, undefined, recordChange(ctx, 'complete_task'))),
    }),
  }),
  delete_task: tool({
    description: 'Delete one task.',
    args: z.strictObject({ task_id: TaskId }),
    run: async (ctx, { task_id }) => {
      const seen: { task?: Task } = {};
      const record = recordChange(ctx, 'delete_task');
      await tasks.deleteTask(ctx.actor, task_id, undefined, async (tx, change) => {
        seen.task = change.before!;
        await record(tx, change);
      });
      return { deleted: brief(seen.task!) };
    },
  }),
  set_reminder: tool({
    description: 'Replace the reminders of one task: each {"offset": ISO 8601 duration before the due time, like "PT30M" or "P1D"} or {"at": ISO 8601}.',
    args: z.strictObject({ task_id: TaskId, reminders: z.array(z.record(z.string(), z.unknown())).max(20) }),
    run: notYet('reminders'),
  }),
  set_recurrence: tool({
    description: 'Make one task repeat (RFC 5545 names: freq, interval, by_weekday, by_month_day, until, count, timezone), or stop it repeating with null.',
    args: z.strictObject({ task_id: TaskId, recurrence: z.record(z.string(), z.unknown()).nullable() }),
    run: notYet('repeating tasks'),
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
