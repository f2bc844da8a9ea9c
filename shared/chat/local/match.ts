import type { Task } from '../../domain/task.ts';

// Finding the task a message means by words of its title: "the dentist one" finds "Call dentist".

export type Candidate = Pick<Task, 'id' | 'title' | 'completed' | 'due_at' | 'tags' | 'priority'>;

export type Match<T> = { kind: 'one'; task: T } | { kind: 'many'; tasks: T[] } | { kind: 'none' } | { kind: 'vague' };

// Words that say nothing about which task: "the", "one", "task", ...
const filler = new Set(['the', 'a', 'an', 'my', 'one', 'ones', 'task', 'tasks', 'todo', 'item', 'thing', 'with', 'that', 'this', 'for', 'about', 'of', 'on', 'to', 'is', 'it', 'me', 'please']);

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lower-case words without accents: "Café" and "cafe" are one word. */
export const words = (text: string): string[] =>
  [...text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]);

const unquote = (text: string) =>
  text
    .trim()
    .replace(/^(?:the\s+)?(?:task|todo|item)\s+/i, '')
    .replace(/^["“'‘](.*)["”'’]$/u, '$1')
    .trim();

/** A reference word fits a title word that starts with it, or that it extends by a plural ending. */
const fits = (ref: string, word: string) => word.startsWith(ref) || (word.length >= 3 && ref.startsWith(word) && ref.length - word.length <= 2);

/**
 * The tasks of `pool` a reference names: its id, its exact title, or every meaningful word of the
 * reference fitting a word of the title. An exact title wins over partial matches.
 */
export function matchTask<T extends { id: string; title: string }>(reference: string, pool: T[]): Match<T> {
  const ref = unquote(reference);
  if (uuid.test(ref)) {
    const task = pool.find((t) => t.id === ref.toLowerCase());
    return task ? { kind: 'one', task } : { kind: 'none' };
  }
  const exact = pool.filter((t) => t.title.trim().toLowerCase() === ref.toLowerCase());
  if (exact.length === 1) return { kind: 'one', task: exact[0]! };
  const wanted = words(ref).filter((w) => !filler.has(w));
  if (wanted.length === 0) return { kind: 'vague' };
  const found = pool.filter((t) => {
    const titleWords = words(t.title);
    return wanted.every((w) => titleWords.some((tw) => fits(w, tw)));
  });
  if (found.length === 1) return { kind: 'one', task: found[0]! };
  return found.length === 0 ? { kind: 'none' } : { kind: 'many', tasks: found };
}
