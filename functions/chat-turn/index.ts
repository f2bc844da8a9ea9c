import * as functions from '@google-cloud/functions-framework';
import { ChatHistory, ChatReply, ChatRequest } from '../../shared/chat/messages.ts';
import { modelFromConfig } from '../../shared/chat/model.ts';
import { type Chat, createChat } from '../../shared/chat/turn.ts';
import { type Config, getConfig } from '../../shared/config.ts';
import { getSettings } from '../../shared/db/settings.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { httpFunction, route } from '../../shared/http/index.ts';
import { storeFromConfig } from '../../shared/state/stores.ts';

// Made on first use, once per configuration: a host that never chats never loads the model's SDK.
const chats = new WeakMap<Config, Promise<Chat>>();
function service(): Promise<Chat> {
  const config = getConfig();
  let chat = chats.get(config);
  if (!chat) {
    chat = modelFromConfig(config).then((model) =>
      createChat({
        store: storeFromConfig(config),
        model,
        maxToolCalls: config.CHAT_MAX_TOOL_CALLS,
        ttlSeconds: config.CHAT_TTL_SECONDS,
        timeZoneOf: async (userId) => (await getSettings(userId)).timezone,
      }),
    );
    chats.set(config, chat);
  }
  return chat;
}

// A turn may call the model once per tool call and once more to answer, each bounded by its timeout.
const turnDeadlineMs = (config: Config) => config.GEMINI_TIMEOUT_MS * (config.CHAT_MAX_TOOL_CALLS + 1) + config.REQUEST_DEADLINE_MS;

const unavailable = { 503: 'The conversation store or the chat model is unavailable; Retry-After says when to try again' };

export const chatTurn = httpFunction('chat-turn', [
  route({
    method: 'POST',
    path: '/api/chat',
    summary: 'One assistant turn over your tasks; a new conversation id is minted when none is given',
    body: ChatRequest,
    response: ChatReply,
    conflict: true,
    deadlineMs: turnDeadlineMs,
    errors: { 404: 'No such conversation for this user (or it expired)', ...unavailable },
    handle: async ({ actor, body }) => (await service()).turn(actor, body),
  }),
  route({
    method: 'GET',
    path: '/api/chat/:id',
    summary: "A conversation's history, oldest first",
    params: IdParams,
    response: ChatHistory,
    errors: unavailable,
    handle: async ({ userId, params }) => (await service()).history(userId, params.id),
  }),
  route({
    method: 'DELETE',
    path: '/api/chat/:id',
    summary: 'Forget a conversation (its changes can no longer be undone)',
    params: IdParams,
    errors: unavailable,
    handle: async ({ userId, params }) => (await service()).forget(userId, params.id),
  }),
  route({
    method: 'POST',
    path: '/api/chat/:id/undo',
    summary: "Revert the last turn's changes; 409 with the task when it changed since",
    params: IdParams,
    response: ChatReply,
    conflict: true,
    errors: unavailable,
    handle: async ({ actor, params }) => (await service()).undo(actor, params.id),
  }),
]);

functions.http('chat-turn', chatTurn);
