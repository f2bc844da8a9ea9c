// The app's keyboard shortcuts: which key does what, and when a key is the user's typing instead.

export const shortcuts: [string, string][] = [
  ['q', 'Add a task (quick add)'],
  ['/', 'Search tasks'],
  ['j', 'Next task'],
  ['k', 'Previous task'],
  ['x', 'Complete or reopen the task'],
  ['e', 'Edit the task'],
  ['?', 'Show these shortcuts'],
];

export type Command = 'quick-add' | 'search' | 'next' | 'previous' | 'complete' | 'edit' | 'help';

const commands: Record<string, Command> = { q: 'quick-add', '/': 'search', j: 'next', k: 'previous', x: 'complete', e: 'edit', '?': 'help' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element's tag and whether it is editable. */
  target: { tagName: string; isContentEditable: boolean } | null;
  /** A modal dialog is open: its own keys win. */
  inDialog: boolean;
}

const typing = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

export function commandFor(e: KeyLike): Command | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || e.inDialog) return undefined;
  if (e.target && (typing.has(e.target.tagName) || e.target.isContentEditable)) return undefined;
  return commands[e.key];
}
