import * as functions from '@google-cloud/functions-framework';
import { listActivity, summarize } from '../../shared/db/activity.ts';
import { ActivityPage, ActivityQuery, Summary, SummaryQuery } from '../../shared/domain/activity.ts';
import { httpFunction, route } from '../../shared/http/index.ts';

export const activity = httpFunction('activity', [
  route({
    method: 'GET',
    path: '/api/activity',
    summary: "The user's audit trail, newest first: filter by task, type and time; keyset cursor",
    query: ActivityQuery,
    response: ActivityPage,
    handle: ({ userId, query }) => listActivity(userId, query),
  }),
  route({
    method: 'GET',
    path: '/api/activity/summary',
    summary: 'Created and completed per day or week in a time zone, the completion streak, and on-time share',
    query: SummaryQuery,
    response: Summary,
    handle: ({ userId, query }) => summarize(userId, query),
  }),
]);

functions.http('activity', activity);
