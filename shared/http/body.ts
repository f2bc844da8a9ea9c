import type { IncomingMessage } from 'node:http';
import { AppError } from '../domain/errors.ts';

export const maxBodyBytes = 1024 * 1024;

// functions-framework has already read and kept the raw body; the local host has not.
type FrameworkRequest = IncomingMessage & { rawBody?: Buffer };

const tooLarge = () => new AppError(413, 'payload_too_large', `the body must be at most ${maxBodyBytes} bytes`);

async function readRaw(req: FrameworkRequest): Promise<Buffer> {
  if (req.rawBody) return req.rawBody;
  if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The JSON body of a request; an empty body reads as `{}` so the schema names missing fields. */
export async function readJson(req: FrameworkRequest): Promise<unknown> {
  const raw = await readRaw(req);
  if (raw.length > maxBodyBytes) throw tooLarge();
  if (raw.length === 0) return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new AppError(415, 'unsupported_media_type', 'the body must be JSON (Content-Type: application/json)');
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new AppError(400, 'malformed_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}
