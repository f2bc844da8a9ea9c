import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import { AppError, NotFoundError } from '../domain/errors.ts';
import type { ConversationStore } from '../state/port.ts';
import { isUndo } from './reading.ts';
import { label, quote } from './wording.ts';
import type { ChatAction, ChatMessage, ChatReply, ChatRequest, Pending } from './messages.ts';
import type { ChatModel } from './model.ts';
import { ToolRunner } from './tools.ts';
import { undoLastTurn } from './undo.ts';
import { forgetActions, sweepActions } from './undo-log.ts';

// A chat turn: load the conversation from the state store (any replica can take any turn), let
// the model act through the tools, append the message and the reply. "undo" is answered here,
// whatever the model, so that it always means the same thing.

export interface ChatDeps {
  store: ConversationStore;
  model: ChatModel;
  maxToolCalls: number;
  ttlSeconds: number;
  /** The user's IANA time zone, for reading and writing dates. */
  timeZoneOf: (userId: string) => Promise<string>;
  now?: () => Date;
}

interface Outcome {
  reply: string;
  actions: ChatAction[];
  pending?: Pending | undefined;
}

const assistant = (o: Outcome, at: Date): ChatMessage => ({
  role: 'assistant',
  text: o.reply,
  at: at.toISOString(),
  ...(o.actions.length > 0 ? { actions: o.actions } : {}),
  ...(o.pending ? { pending: o.pending } : {}),
});

/** An undo that met a later change: why nothing was undone, and the task as it is now. */
function refusedUndo(err: AppError, timeZone: string): Outcome {
  const task = err.details[0] as { title?: string; due_at?: string | null; completed?: boolean } | undefined;
  const what = task?.title ? `${quote(task.title)} changed since` : err.message;
  const deleted = /deleted since/.test(err.message);
  const now = task?.title && !deleted ? ` It is now ${label({ title: task.title, due_at: task.due_at ?? null }, timeZone)}${task.completed ? ', done' : ''}.` : '';
  return {
    reply: `I can't undo that: ${deleted ? err.message.replace(/; nothing was undone$/, '') : what}; nothing was undone.${now}`,
    actions: [{ tool: 'undo', args: {}, result: { error: { code: err.code, message: err.message, details: err.details } } }],
  };
}

export function createChat({ store, model, maxToolCalls, ttlSeconds, timeZoneOf, now = () => new Date() }: ChatDeps) {
  async function existing(userId: string, conversationId: string): Promise<ChatMessage[]> {
    const history = await store.load(userId, conversationId);
    if (!history) throw new NotFoundError('conversation');
    return history;
  }

  return {
    async turn(actor: Actor, { conversation_id, message }: ChatRequest): Promise<ChatReply> {
      const conversationId = conversation_id ?? randomUUID();
      // Loaded first even for a new conversation: a store that is down fails the turn before it acts.
      const [history, timeZone] = await Promise.all([store.load(actor.userId, conversationId), timeZoneOf(actor.userId)]);
      if (conversation_id && !history) throw new NotFoundError('conversation');
      if (!history) await sweepActions(ttlSeconds);
      const started = now();
      let outcome: Outcome;
      const said: ChatMessage = { role: 'user', text: message, at: started.toISOString() };
      if (isUndo(message)) {
        try {
          outcome = await undoLastTurn(actor, conversationId);
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 409) throw err;
          // Typed in the chat, an undo that meets a later change is a reply like any other (200):
          // what happened and the task as it is now. POST .../undo keeps its 409 for API clients.
          outcome = refusedUndo(err, timeZone);
        }
      } else {
        const tools = new ToolRunner({ actor, conversationId, turnId: randomUUID() }, maxToolCalls);
        const answer = await model.respond({ message, history: history ?? [], now: started, timeZone, tools });
        outcome = { ...answer, actions: tools.actions };
      }
      await store.append(actor.userId, conversationId, [said, assistant(outcome, now())]);
      return { conversation_id: conversationId, reply: outcome.reply, actions: outcome.actions };
    },

    async undo(actor: Actor, conversationId: string): Promise<ChatReply> {
      await existing(actor.userId, conversationId);
      const outcome = await undoLastTurn(actor, conversationId);
      await store.append(actor.userId, conversationId, [assistant(outcome, now())]);
      return { conversation_id: conversationId, reply: outcome.reply, actions: outcome.actions };
    },

    async history(userId: string, conversationId: string) {
      const messages = await existing(userId, conversationId);
      return { conversation_id: conversationId, messages: messages.map(({ pending: _, ...m }) => m) };
    },

    async forget(userId: string, conversationId: string): Promise<void> {
      if (!(await store.remove(userId, conversationId))) throw new NotFoundError('conversation');
      await forgetActions(userId, conversationId);
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
