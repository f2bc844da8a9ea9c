export { createHandler, httpFunction, type HttpHandler } from './handler.ts';
export { route, Reply, type AnyRoute } from './route.ts';
export { expectedVersion, versioned } from './if-match.ts';
