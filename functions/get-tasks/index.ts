import * as functions from '@google-cloud/functions-framework';
import { listTasks } from '../../shared/db/task-list.ts';
import * as tasks from '../../shared/db/tasks.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { Task, TaskPage, TaskQuery } from '../../shared/domain/task.ts';
import { httpFunction, route, versioned } from '../../shared/http/index.ts';

export const getTasks = httpFunction('get-tasks', [
  route({
    method: 'GET',
    path: '/api/tasks',
    summary: 'Search, filter, sort and page through tasks (keyset cursor)',
    query: TaskQuery,
    response: TaskPage,
    handle: ({ userId, query }) => listTasks(userId, query),
  }),
  route({
    method: 'GET',
    path: '/api/tasks/:id',
    summary: 'One task',
    params: IdParams,
    response: Task,
    handle: async ({ userId, params }) => versioned(await tasks.getTask(userId, params.id)),
  }),
]);

functions.http('get-tasks', getTasks);
