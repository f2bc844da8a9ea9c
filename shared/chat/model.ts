import type { Config } from '../config.ts';
import type { ChatMessage, Pending } from './messages.ts';
import type { ToolRunner } from './tools.ts';

/** One turn as a model sees it: the message, the history, the user's clock, and the tools to act with. */
export interface TurnInput {
  message: string;
  history: ChatMessage[];
  now: Date;
  timeZone: string;
  tools: ToolRunner;
}

export interface TurnOutcome {
  reply: string;
  /** A question waiting for the user's pick, kept with the reply for the next turn. */
  pending?: Pending | undefined;
}

/** The model behind chat-turn: it reads the turn and acts only through the tools it is given. */
export interface ChatModel {
  readonly name: string;
  respond(input: TurnInput): Promise<TurnOutcome>;
}

/** The model CHAT_MODEL names; the Gemini SDK is loaded only when it is used. */
export async function modelFromConfig(config: Config): Promise<ChatModel> {
  if (config.CHAT_MODEL === 'gemini') {
    const { createGeminiModel } = await import('./gemini.ts');
    return createGeminiModel({
      apiKey: config.GEMINI_API_KEY!,
      model: config.GEMINI_MODEL,
      baseUrl: config.GEMINI_BASE_URL,
      timeoutMs: config.GEMINI_TIMEOUT_MS,
    });
  }
  const { createLocalModel } = await import('./local/model.ts');
  return createLocalModel();
}
