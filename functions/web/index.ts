import { fileURLToPath } from 'node:url';
import * as functions from '@google-cloud/functions-framework';
import type { IncomingMessage } from 'node:http';
import * as z from 'zod';
import { getConfig } from '../../shared/config.ts';
import { NotFoundError, UnavailableError } from '../../shared/domain/errors.ts';
import { Reply, httpFunction, route } from '../../shared/http/index.ts';
import { type Asset, type Assets, assetsFrom, etagOf, readBuilt } from './assets.ts';
import { authSettings, contentSecurityPolicy, pageHtml } from './page.ts';

// The app's files: in the image, built by npm run build into public/ beside this bundle; from a
// source tree (npm start, the tests), built in memory on the first request.
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));

let onDisk: Promise<Assets | undefined> | undefined;
let inMemory: Promise<Assets> | undefined;

async function app(): Promise<Assets> {
  const built = await (onDisk ??= readBuilt(publicDir).then((b) => b && assetsFrom(b)));
  if (built) return built;
  if (getConfig().NODE_ENV === 'production') throw new UnavailableError('app_not_built', `the app is not built: npm run build writes it to ${publicDir}`);
  inMemory ??= buildInMemory().catch((err: unknown) => {
    // A failed build (a syntax error while developing) is tried again on the next request.
    inMemory = undefined;
    throw err;
  });
  return inMemory;
}

async function buildInMemory(): Promise<Assets> {
  // A variable specifier: the production bundle must not carry esbuild, which only this path uses.
  const builder = './build-app.ts';
  const { buildApp } = (await import(builder)) as typeof import('./build-app.ts');
  return assetsFrom(await buildApp());
}

const gzipAccepted = (req: IncomingMessage) => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

/** One file's answer: 304 when the client holds this version, gzip when it takes it. */
function reply(req: IncomingMessage, asset: Omit<Asset, 'gzip'> & { gzip?: Buffer }, headers: Record<string, string>): Reply {
  const common = { etag: asset.etag, vary: 'accept-encoding', 'x-content-type-options': 'nosniff', ...headers };
  if (req.headers['if-none-match'] === asset.etag) return new Reply(undefined, 304, common);
  if (asset.gzip && gzipAccepted(req)) return new Reply(asset.gzip, 200, { ...common, 'content-type': asset.type, 'content-encoding': 'gzip' });
  return new Reply(asset.body, 200, { ...common, 'content-type': asset.type });
}

const AssetPath = z.object({ file: z.string().regex(/^[\w.-]+$/, 'must be a file name') });

export const web = httpFunction('web', [
  route({
    method: 'GET',
    path: '/',
    summary: 'The web app (no-cache: always revalidated, so a new build is seen at once)',
    public: true,
    produces: ['text/html'],
    errors: { 503: 'The app is not built (production without npm run build)' },
    handle: async ({ req }) => {
      const { script, style } = await app();
      const auth = authSettings(getConfig());
      const body = Buffer.from(pageHtml({ script, style, auth }));
      return reply(req, { body, type: 'text/html; charset=utf-8', etag: etagOf(body) }, {
        'cache-control': 'no-cache',
        'content-security-policy': contentSecurityPolicy(auth),
        'referrer-policy': 'no-referrer',
      });
    },
  }),
  route({
    method: 'GET',
    path: '/assets/:file',
    summary: "The app's script, stylesheet and source maps, named by their content's hash (cached for a year)",
    public: true,
    produces: ['text/javascript', 'text/css', 'application/json'],
    errors: { 503: 'The app is not built (production without npm run build)' },
    params: AssetPath,
    handle: async ({ req, params }) => {
      const asset = (await app()).files.get(params.file);
      if (!asset) throw new NotFoundError(`asset ${params.file}`);
      return reply(req, asset, { 'cache-control': 'public, max-age=31536000, immutable' });
    },
  }),
]);

functions.http('web', web);
