import * as z from 'zod';
import { ChatMessage } from '../chat/messages.ts';
import { UnavailableError } from '../domain/errors.ts';

/**
 * Where conversations live between turns, so that any replica can take the next one. Every adapter
 * keeps a conversation under one key, renews its time to live on each append, keeps only the newest
 * `maxMessages`, and appends atomically: two turns racing on one conversation both keep their messages.
 */
export interface ConversationStore {
  readonly name: string;
  /** The history, oldest first; null when there is no such conversation (never was, or expired). */
  load(userId: string, conversationId: string): Promise<ChatMessage[] | null>;
  append(userId: string, conversationId: string, messages: ChatMessage[]): Promise<void>;
  /** True when there was something to forget. */
  remove(userId: string, conversationId: string): Promise<boolean>;
}

export interface StoreOptions {
  ttlSeconds: number;
  maxMessages: number;
}

/**
 * `taskfn::conversation::{user}::{conversation}`. Dapr reserves `||` in keys and user ids may hold
 * `|`, so it is written `%7C`; ids never hold `%`, so the mapping stays one to one.
 */
export const conversationKey = (userId: string, conversationId: string): string =>
  `taskfn::conversation::${userId.replaceAll('|', '%7C')}::${conversationId}`;

export class StateUnavailableError extends UnavailableError {
  override name = 'StateUnavailableError';
  constructor() {
    super('state_unavailable', 'the conversation store is unavailable; try again shortly', 5);
  }
}

/** Stored messages read back through their schema: a store hands back whatever it holds. */
export const storedMessages = z.array(ChatMessage);
