import * as functions from '@google-cloud/functions-framework';
import { listNotifications, markRead } from '../../shared/db/notifications.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { Notification, NotificationPage, NotificationQuery } from '../../shared/domain/notification.ts';
import { httpFunction, route } from '../../shared/http/index.ts';

export const notifications = httpFunction('notifications', [
  route({
    method: 'GET',
    path: '/api/notifications',
    summary: 'The in-app inbox, newest first (unread=true for unread only)',
    query: NotificationQuery,
    response: NotificationPage,
    handle: ({ userId, query }) => listNotifications(userId, query),
  }),
  route({
    method: 'POST',
    path: '/api/notifications/:id/read',
    summary: 'Mark an in-app notification read (idempotent)',
    params: IdParams,
    response: Notification,
    handle: ({ userId, params }) => markRead(userId, params.id),
  }),
]);

functions.http('notifications', notifications);
