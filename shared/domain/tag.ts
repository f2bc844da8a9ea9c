import * as z from 'zod';
import { text } from './fields.ts';

export const TagName = text(50, { trim: true })
  .min(1, 'must not be empty')
  // Commas separate names in ?tag=a,b filters; control characters have no place in a label.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  .regex(/^[^,\u0000-\u001f\u007f-\u009f]*$/, 'must not contain commas or control characters');

export const TagInput = z.strictObject({ name: TagName });
export type TagInput = z.infer<typeof TagInput>;

export const Tag = z.object({
  id: z.uuid(),
  name: z.string(),
  task_count: z.number().int(),
  created_at: z.iso.datetime(),
});
export type Tag = z.infer<typeof Tag>;

export const TagList = z.object({ items: z.array(Tag) });
