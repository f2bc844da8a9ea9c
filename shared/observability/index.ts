export { log, type Logger } from './log.ts';
export { observeRequest, renderMetrics } from './metrics.ts';
export { requestIdOf } from './request-id.ts';
