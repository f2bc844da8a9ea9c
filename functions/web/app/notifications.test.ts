import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Api } from './api.ts';
import type { Change } from './live.ts';
import { notificationToasts } from './notifications.ts';
import { createToasts } from './toasts.ts';

const note = (id: string, change: Record<string, unknown> = {}): Change => ({
  seq: 1,
  entity: 'notification',
  id,
  op: 'upsert',
  data: { id, channel: 'in_app', title: 'Reminder: pay rent', read: false, ...change },
});

describe('notification toasts', () => {
  it('shows each unread in-app notification once, and "Mark read" posts it read', async () => {
    const posted: string[] = [];
    const api = { post: (path: string) => Promise.resolve(void posted.push(path)) } as unknown as Api;
    const toasts = createToasts({ lifetimeMs: 60_000 });
    const apply = notificationToasts(api, toasts);
    apply([note('n1'), note('n2', { read: true }), note('n3', { channel: 'webhook' })]);
    apply([note('n1')]);
    assert.deepEqual(toasts.items.value.map((t) => t.text), ['Reminder: pay rent']);
    await toasts.items.value[0]!.action!.run();
    assert.deepEqual(posted, ['/api/notifications/n1/read']);
    toasts.items.value.forEach((t) => toasts.dismiss(t.id));
  });
});
