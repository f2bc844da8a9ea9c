import * as z from 'zod';
import { type AnyRoute, openApiPath } from './route.ts';

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!(schema instanceof z.ZodObject)) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    // The handler reads an empty query parameter as an absent one.
    ...(where === 'query' ? { allowEmptyValue: true } : {}),
    schema: s,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** OpenAPI 3.1 for the given routes, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: AnyRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const success = r.status ?? (r.response || r.produces ? 200 : 204);
    (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      ...(r.fn ? { tags: [r.fn] } : {}),
      ...(r.public ? { security: [] } : {}),
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body
        ? { requestBody: { required: !r.body.safeParse({}).success, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } }
        : {}),
      responses: {
        [success]: r.response
          ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } }
          : r.produces
            ? { description: 'OK', content: Object.fromEntries(r.produces.map((type) => [type, { schema: { type: 'string' } }])) }
            : { description: 'Done, no content' },
        ...(r.body || r.query || r.params ? { 400: errorResponse('A field is invalid; details name it') } : {}),
        ...(r.public ? {} : { 401: errorResponse('Missing, invalid or expired bearer token') }),
        ...(r.params ? { 404: errorResponse('No such resource for this user') } : {}),
        ...(r.conflict ? { 409: errorResponse('Stale version or name taken; details hold the current state') } : {}),
        ...(r.body ? { 413: errorResponse('Body over 1 MiB'), 415: errorResponse('Body is not JSON') } : {}),
        ...Object.fromEntries(Object.entries(r.errors ?? {}).map(([status, when]) => [status, errorResponse(when)])),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'taskfn', version, description: 'An event-driven todo backend built from small serverless functions.' },
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
  };
}
