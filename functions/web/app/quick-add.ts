import { parseAdd } from '../../../shared/chat/local/add.ts';
import { type Clock, describeRule, formatDue, type RuleLike } from './format.ts';

// Quick add reads its field with the chat's own local parser (bundled into the app), so what the
// chips show before Enter is exactly the POST /api/tasks body that Enter sends.

export interface TaskInput {
  title: string;
  priority?: 'low' | 'medium' | 'high' | 'critical';
  due_at?: string;
  tags?: string[];
  recurrence?: RuleLike & { timezone?: string };
  reminders?: ({ offset: string } | { at: string })[];
}

export interface Chip {
  label: string;
  value: string;
}

export type QuickAdd = { kind: 'empty' } | { kind: 'task'; input: TaskInput; chips: Chip[] } | { kind: 'hint'; text: string };

export function readQuickAdd(text: string, clock: Clock): QuickAdd {
  if (text.trim() === '') return { kind: 'empty' };
  const plan = parseAdd(`add ${text.trim()}`, clock);
  if (!plan) return { kind: 'hint', text: 'Type what to do, like “call mom tomorrow 5pm #family”.' };
  if (plan.kind === 'reply') return { kind: 'hint', text: plan.text };
  if (plan.kind !== 'actions' || plan.actions[0]?.tool !== 'add_task') return { kind: 'empty' };
  const input = plan.actions[0].args as unknown as TaskInput;
  return { kind: 'task', input, chips: chipsOf(input, clock) };
}

export function chipsOf(input: TaskInput, clock: Clock): Chip[] {
  const chips: Chip[] = [{ label: 'Title', value: input.title }];
  if (input.due_at) chips.push({ label: 'Due', value: formatDue(input.due_at, clock) });
  if (input.tags?.length) chips.push({ label: 'Tags', value: input.tags.map((t) => `#${t}`).join(' ') });
  if (input.priority) chips.push({ label: 'Priority', value: input.priority });
  if (input.recurrence) chips.push({ label: 'Repeats', value: describeRule(input.recurrence, clock) });
  if (input.reminders?.length) chips.push({ label: 'Reminders', value: String(input.reminders.length) });
  return chips;
}
