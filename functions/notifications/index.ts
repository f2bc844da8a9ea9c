import * as functions from '@google-cloud/functions-framework';
import { getNotification, listNotifications, markRead } from '../../shared/db/notifications.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { Notification, NotificationPage, NotificationQuery } from '../../shared/domain/notification.ts';
import { httpFunction, route } from '../../shared/http/index.ts';

export const notifications = httpFunction('notifications', [
  route({
    method: 'GET',
    path: '/api/notifications',
    summary: 'Notifications of one channel, newest first: the in-app inbox by default (unread=true for unread only), each with its delivery attempts',
    query: NotificationQuery,
    response: NotificationPage,
    handle: ({ userId, query }) => listNotifications(userId, query),
  }),
  route({
    method: 'GET',
    path: '/api/notifications/:id',
    summary: 'One notification of any channel, with every delivery attempt (time, status code or error, duration) and the next one',
    params: IdParams,
    response: Notification,
    handle: ({ userId, params }) => getNotification(userId, params.id),
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
