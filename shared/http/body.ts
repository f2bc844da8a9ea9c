import type { IncomingMessage } from 'node:http';
import { AppError, ValidationError } from '../domain/errors.ts';

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

// JSON is UTF-8 (RFC 8259 §8.1): a body declared in another charset would be read wrong, not refused.
const utf8 = new Set(['utf-8', 'utf8']);
const charsetOf = (contentType: string) =>
  /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase();

// `fatal`: invalid bytes throw instead of becoming U+FFFD, which would be stored as if sent.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// A UTF-16 surrogate without its pair: what a JSON escape like "\ud800" parses to. PostgreSQL
// cannot store it and would keep U+FFFD instead.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const surrogateEscape = /\\u[dD][89a-fA-F]/;

/** The path of the first string (value or key) holding a lone surrogate, or undefined. */
function illFormedAt(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return loneSurrogate.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedAt(value[i], [...path, String(i)]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (loneSurrogate.test(key)) return [...path, key.replace(loneSurrogate, '\uFFFD')];
      const found = illFormedAt(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** The JSON body of a request; an empty body reads as `{}` so the schema names missing fields. */
export async function readJson(req: FrameworkRequest): Promise<unknown> {
  const raw = await readRaw(req);
  if (raw.length > maxBodyBytes) throw tooLarge();
  if (raw.length === 0) return {};
  const contentType = req.headers['content-type'] ?? '';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new AppError(415, 'unsupported_media_type', 'the body must be JSON (Content-Type: application/json)');
  }
  const charset = charsetOf(contentType);
  if (charset !== undefined && !utf8.has(charset)) {
    throw new AppError(415, 'unsupported_charset', `the body must be UTF-8 (charset=utf-8, or none), not ${charset}`);
  }
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch {
    throw new AppError(400, 'invalid_utf8', 'the body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError(400, 'malformed_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
  // Strict decoding leaves no surrogate in the text itself, so only a \uD800-\uDFFF escape can
  // make one: the walk over the parsed value is needed only then.
  const bad = surrogateEscape.test(text) ? illFormedAt(value) : undefined;
  if (bad) {
    const path = bad.join('.') || '(root)';
    throw new ValidationError([{ in: 'body', path, message: 'must not contain a lone surrogate (an unpaired \\ud800-\\udfff escape)' }], `body ${path}: must be well-formed Unicode`);
  }
  return value;
}
