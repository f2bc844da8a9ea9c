import { randomUUID } from 'node:crypto';
import * as z from 'zod';

// CloudEvents 1.0 in structured JSON mode (https://github.com/cloudevents/spec). `partitionkey` is the
// spec's Partitioning extension: the user id, so one user's events stay in order.
export const CloudEventAttributes = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().optional(),
  time: z.iso.datetime({ offset: true }).optional(),
  datacontenttype: z.string().optional(),
  partitionkey: z.string().optional(),
  data: z.unknown(),
});
export type CloudEventAttributes = z.infer<typeof CloudEventAttributes>;

/** Extension attributes (traceparent, ...) pass through untouched. */
export const CloudEvent = CloudEventAttributes.loose();
export type CloudEvent = z.infer<typeof CloudEvent>;

export function cloudEvent(fields: { type: string; source: string; subject: string; partitionkey: string; data: unknown }): CloudEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    ...fields,
  };
}
