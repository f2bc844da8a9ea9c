export { createHandler, httpFunction, type HttpHandler } from './handler.ts';
export { route, Reply, type AnyRoute } from './route.ts';
export { expectedVersion, etag, versioned } from './if-match.ts';
