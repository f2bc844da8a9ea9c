// A fetch that connects to a given address (the gateway's IP or host name) while the URL keeps the
// public host name: the Host header the HTTPRoutes match on and the TLS server name the certificate
// is for both stay the production ones, before (or without) DNS pointing there.
import { lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export function pinnedFetch(address: string): typeof fetch {
  const pinned: LookupFunction = (_host, options, callback) => {
    if (isIP(address)) {
      if (options.all) callback(null, [{ address, family: isIP(address) }]);
      else callback(null, address, isIP(address));
    } else lookup(address, options, callback);
  };
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const client = url.protocol === 'https:' ? https : http;
    const body = typeof init.body === 'string' ? init.body : undefined;
    return new Promise<Response>((resolve, reject) => {
      const req = client.request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)), lookup: pinned, servername: url.hostname }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 304;
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]])) }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${address} for ${url.host} in 30 s`)));
      req.end(body);
    });
  });
}
