import * as functions from '@google-cloud/functions-framework';
import * as tasks from '../../shared/db/tasks.ts';
import { Task, TaskCreate } from '../../shared/domain/task.ts';
import { httpFunction, route, versioned } from '../../shared/http/index.ts';

export const createTask = httpFunction('create-task', [
  route({
    method: 'POST',
    path: '/api/tasks',
    summary: 'Create a task; unknown tag names are created for the user',
    body: TaskCreate,
    response: Task,
    status: 201,
    handle: async ({ actor, body }) => {
      const task = await tasks.createTask(actor, body);
      return versioned(task, 201, { location: `/api/tasks/${task.id}` });
    },
  }),
]);

functions.http('create-task', createTask);
