import * as z from 'zod';
import { text } from '../domain/fields.ts';

// The shapes of chat: the request and answer of a turn, and the messages a conversation keeps.

export const toolNames = ['add_task', 'list_tasks', 'update_task', 'complete_task', 'delete_task', 'set_reminder', 'set_recurrence'] as const;
export const ToolName = z.enum(toolNames);
export type ToolName = z.infer<typeof ToolName>;

export const ChatRequest = z.strictObject({
  conversation_id: z.uuid('must be a UUID').optional(),
  message: text(4000, { trim: true }).min(1, 'must not be empty'),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

/** One tool call of a turn, as it ran: a result is either the tool's answer or `{error}`. */
export const ChatAction = z.object({
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()),
  /** On an undo: the tool whose change this call reverted. */
  undoes: z.string().optional(),
});
export type ChatAction = z.infer<typeof ChatAction>;

/** A tool call a model plans; `choose` marks a call waiting for the user's pick of its task. */
export const Planned = z.object({
  tool: ToolName,
  args: z.record(z.string(), z.unknown()),
  choose: z.literal(true).optional(),
});
export type Planned = z.infer<typeof Planned>;

/** A question the assistant asked ("which one?"): the plan to finish once the user picks an option. */
export const Pending = z.object({
  actions: z.array(Planned),
  options: z.array(z.object({ id: z.uuid(), title: z.string() })),
  /** Plans to pick from instead of tasks: the readings of an unclear message, or a "yes" that finishes one. */
  choices: z.array(z.object({ label: z.string(), actions: z.array(Planned) })).optional(),
});
export type Pending = z.infer<typeof Pending>;

export const ChatMessage = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  at: z.iso.datetime(),
  actions: z.array(ChatAction).optional(),
  pending: Pending.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatReply = z.object({
  conversation_id: z.uuid(),
  reply: z.string(),
  actions: z.array(ChatAction),
});
export type ChatReply = z.infer<typeof ChatReply>;

export const ChatHistory = z.object({
  conversation_id: z.uuid(),
  messages: z.array(ChatMessage.omit({ pending: true })),
});
