import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { loadConfig } from '../../shared/config.ts';
import { type Runtime, createRuntime } from '../../shared/runtime/runtime.ts';
import { loadHost, serve } from '../../test/helpers.ts';
import { web } from './index.ts';

// The web function from a source tree, as npm start serves it: the app built in memory on the first
// request. The image's production build is served by test/build.test.ts.

const app = serve(loadHost);

async function page(base: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/`, { headers });
  return { res, html: await res.text() };
}

/** The script and stylesheet the page names. */
function assetsOf(html: string): { script: string; style: string } {
  const script = /<script type="module" src="(\/assets\/[^"]+\.js)"><\/script>/.exec(html)?.[1];
  const style = /<link rel="stylesheet" href="(\/assets\/[^"]+\.css)">/.exec(html)?.[1];
  assert.ok(script && style, html);
  return { script, style };
}

describe('the web function', () => {
  it('serves the page at / with no-cache and a Content-Security-Policy that allows only its own scripts', async () => {
    const { res, html } = await page(app.url());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /^default-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.match(csp, /frame-ancestors 'none'/);
    // Every script the page has is a file of ours: none inline.
    assert.deepEqual([...html.matchAll(/<script[^>]*>/g)].map((m) => /src="\/assets\//.test(m[0])), [true]);
  });

  it('serves the files the page names, hashed, immutable for a year, gzip when the browser takes it', async () => {
    const { html } = await page(app.url());
    for (const [file, type] of Object.entries(assetsOf(html)).map(([kind, f]) => [f, kind === 'script' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8'])) {
      assert.match(file!, /-[A-Z0-9]{8}\.(js|css)$/);
      const plain = await fetch(app.url() + file, { headers: { 'accept-encoding': 'identity' } });
      assert.deepEqual([plain.status, plain.headers.get('content-type'), plain.headers.get('cache-control')], [200, type, 'public, max-age=31536000, immutable']);
      const body = Buffer.from(await plain.arrayBuffer());
      // node's fetch decodes gzip itself; a raw request shows what went over the wire.
      const zipped = await rawGet(app.url() + file, { 'accept-encoding': 'gzip, br' });
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.ok(zipped.body.length < body.length);
      assert.deepEqual(gunzipSync(zipped.body), body);
    }
  });

  it('answers 304 when the browser already holds the page or a file', async () => {
    const { res, html } = await page(app.url());
    const etag = res.headers.get('etag')!;
    assert.equal((await page(app.url(), { 'if-none-match': etag })).res.status, 304);
    const { script } = assetsOf(html);
    const first = await fetch(app.url() + script);
    assert.equal((await fetch(app.url() + script, { headers: { 'if-none-match': first.headers.get('etag')! } })).status, 304);
  });

  it('answers a JSON 404 for a file the build does not have', async () => {
    const res = await fetch(`${app.url()}/assets/main-NOTTHERE.js`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
  });

  it('tells the app to show the "sign in as" form under AUTH_MODE=dev, and production sign-in unconfigured without an issuer', async () => {
    const { html } = await page(app.url());
    assert.match(html, /<meta name="taskfn-auth" content="\{&quot;mode&quot;:&quot;unconfigured&quot;\}">/);
  });
});

describe('the web function with NODE_ENV=production from a source tree', () => {
  let production: Runtime;
  const alone = serve(
    () => {
      production = createRuntime(loadConfig({ ...process.env, NODE_ENV: 'production', APP_API_TOKEN: 'token' }));
      return Promise.resolve(web);
    },
    () => production,
  );

  it('never builds the app on demand: 503 app_not_built, the process serving on', async () => {
    const res = await fetch(`${alone.url()}/`);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'app_not_built');
    assert.equal((await fetch(`${alone.url()}/healthz`)).status, 200);
  });
});

async function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}
