import { randomUUID } from 'node:crypto';
import { setTimeout as wait } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { ChatModel } from '../shared/chat/model.ts';
import { corpusClock } from '../shared/chat/local/corpus.ts';
import { ToolRunner, isTool, tools } from '../shared/chat/tools.ts';
import { UnavailableError } from '../shared/domain/errors.ts';
import { type Acting, seedCorpusTasks, withIds } from './chat-corpus.ts';
import { newUser } from './helpers.ts';

// The corpus against a live model (shared/chat/gemini-corpus.test.ts runs it only with a key).
// A live model may say the same thing in other words, so calls are compared by meaning: each
// side's arguments as the tool's zod schema reads them (defaults filled in), times as instants,
// titles in any case, a listing's order and page size left out. Its own lookups (list_tasks before
// a change, as its instruction asks) are not counted against it.

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

function meaning(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return isoTime.test(value) ? Date.parse(value) : key === 'title' ? value.trim().toLowerCase() : value;
  if (Array.isArray(value)) return value.map((v) => meaning(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k, v]) => v !== undefined && !['sort', 'limit', 'cursor'].includes(k)).map(([k, v]) => [k, meaning(v, k)]));
  }
  return value;
}

const read = ({ tool, args }: { tool: string; args: Record<string, unknown> }) => {
  const parsed = isTool(tool) ? tools[tool].args.safeParse(args) : undefined;
  return { tool, args: meaning(parsed?.success ? parsed.data : args) };
};

/** The model's turn on a fresh user holding the corpus's tasks; a quota or outage is waited out twice, as its Retry-After asks. */
async function turn(model: ChatModel, zone: string, message: string) {
  const userId = newUser();
  const ids = await seedCorpusTasks(userId);
  for (let attempt = 1; ; attempt++) {
    const runner = new ToolRunner({ actor: { userId, source: 'chat-turn' }, conversationId: randomUUID(), turnId: randomUUID() }, 8);
    try {
      await model.respond({ message, history: [], ...corpusClock(zone), tools: runner });
      return { ids, ran: runner.actions };
    } catch (err) {
      if (!(err instanceof UnavailableError) || attempt > 2 || runner.actions.length > 0) throw err;
      await wait((err.retryAfterSeconds ?? 5) * 1000);
    }
  }
}

/**
 * How many phrasings the model acted on as the corpus expects, of how many it was asked, and what
 * it did with the others. A model still unavailable after its retries ends the run there: what
 * follows would measure the outage, not the model.
 */
export async function liveCorpusRun(model: ChatModel, cases: Acting[]): Promise<{ right: number; asked: number; misses: string[] }> {
  const misses: string[] = [];
  let asked = 0;
  for (const { zone, message, plan } of cases) {
    asked++;
    try {
      const { ids, ran } = await turn(model, zone, message);
      const lists = plan.some((p) => p.tool === 'list_tasks');
      const acted = ran.filter((a) => lists || a.tool !== 'list_tasks').map(read);
      if (!isDeepStrictEqual(acted, withIds(plan, ids).map(read))) misses.push(`${message}: ${JSON.stringify(ran.map(({ tool, args }) => ({ tool, args })))}`);
    } catch (err) {
      misses.push(`${message}: ${String(err)}`);
      if (err instanceof UnavailableError) break;
    }
  }
  return { right: asked - misses.length, asked, misses };
}
