import * as functions from '@google-cloud/functions-framework';
import * as tags from '../../shared/db/tags.ts';
import { IdParams } from '../../shared/domain/fields.ts';
import { Tag, TagInput, TagList } from '../../shared/domain/tag.ts';
import { Reply, httpFunction, route } from '../../shared/http/index.ts';

export const tagsFunction = httpFunction('tags', [
  route({
    method: 'GET',
    path: '/api/tags',
    summary: "The user's tags with how many tasks carry each",
    response: TagList,
    handle: async ({ userId }) => ({ items: await tags.listTags(userId) }),
  }),
  route({
    method: 'POST',
    path: '/api/tags',
    summary: 'Create a tag (409 if the name exists, compared without case)',
    body: TagInput,
    conflict: true,
    response: Tag,
    status: 201,
    handle: async ({ userId, body }) => new Reply(await tags.createTag(userId, body.name), 201),
  }),
  route({
    method: 'PATCH',
    path: '/api/tags/:id',
    summary: 'Rename a tag; every task carrying it moves to a new version',
    params: IdParams,
    body: TagInput,
    conflict: true,
    response: Tag,
    handle: ({ actor, params, body }) => tags.renameTag(actor, params.id, body.name),
  }),
  route({
    method: 'DELETE',
    path: '/api/tags/:id',
    summary: 'Delete a tag and remove it from its tasks',
    params: IdParams,
    handle: async ({ actor, params }) => {
      await tags.deleteTag(actor, params.id);
    },
  }),
]);

functions.http('tags', tagsFunction);
