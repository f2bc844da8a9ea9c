import type { Notification } from '../../../shared/domain/notification.ts';
import type { Api } from './api.ts';
import type { Change } from './live.ts';
import type { Toasts } from './toasts.ts';

// In-app notifications (a reminder that fired) arrive as sync changes; each unread one becomes a
// toast in every tab, once per tab, with "Mark read".

export function notificationToasts(api: Api, toasts: Toasts) {
  const shown = new Set<string>();
  return (changes: Change[]): void => {
    for (const c of changes) {
      if (c.entity !== 'notification' || c.op !== 'upsert') continue;
      const n = c.data as Notification;
      if (n.channel !== 'in_app' || n.read || shown.has(n.id)) continue;
      shown.add(n.id);
      toasts.show(n.title, { label: 'Mark read', run: () => api.post(`/api/notifications/${n.id}/read`) });
    }
  };
}
