import { signal } from '@preact/signals';

// Short messages at the bottom of the screen, some with an action ("Undo", "Mark read"). Each goes
// away by itself after a while, or when its action or its close button is used.

export interface Toast {
  id: number;
  text: string;
  action?: { label: string; run: () => unknown };
}

export function createToasts({ lifetimeMs = 8000 }: { lifetimeMs?: number } = {}) {
  const items = signal<Toast[]>([]);
  let next = 1;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  const dismiss = (id: number) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    items.value = items.value.filter((t) => t.id !== id);
  };
  return {
    items,
    dismiss,
    show(text: string, action?: Toast['action']): number {
      const id = next++;
      items.value = [...items.value.slice(-4), { id, text, ...(action ? { action } : {}) }];
      timers.set(id, setTimeout(() => dismiss(id), lifetimeMs));
      return id;
    },
  };
}

export type Toasts = ReturnType<typeof createToasts>;
