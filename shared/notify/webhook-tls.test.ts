import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { exited, start, waitFor } from '../../test/processes.ts';
import type { Delivery } from './webhook.ts';
import { signature } from './webhook.ts';

// HTTPS webhooks in production mode. postWebhook dials the checked address itself and wraps TLS
// over that socket; the certificate must still be checked against the URL's name, and SNI must
// carry it. The deliveries run in a child process (test/fixtures/webhook-tls/deliver.ts) because
// Node reads NODE_EXTRA_CA_CERTS, the only way to trust a test CA on Node 20, at start only.

const dir = mkdtempSync(path.join(tmpdir(), 'taskfn-webhook-tls-'));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A key and a certificate for `name`, issued by the test CA (or self-signed). */
function certificate(name: string, issuer: 'ca' | 'self') {
  const subject = ['-subj', `/CN=${name}`];
  if (issuer === 'self') {
    openssl('req', '-x509', ...newKey, '-keyout', `${name}.self.key`, '-out', `${name}.self.crt`, '-days', '2', ...subject, '-addext', `subjectAltName=DNS:${name}`);
    return { key: readFileSync(file(`${name}.self.key`)), cert: readFileSync(file(`${name}.self.crt`)) };
  }
  writeFileSync(file(`${name}.ext`), `subjectAltName=DNS:${name}\n`);
  openssl('req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, ...subject);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  return { key: readFileSync(file(`${name}.key`)), cert: readFileSync(file(`${name}.crt`)) };
}

interface Received { servername: TLSSocket['servername']; headers: IncomingHttpHeaders; body: string }

/** A real HTTPS receiver on loopback answering 204, with the SNI name each request came in on. */
async function tlsReceiver(credentials: { key: Buffer; cert: Buffer }) {
  const received: Received[] = [];
  const sockets: Socket[] = [];
  const server = createServer(credentials, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ servername: (req.socket as TLSSocket).servername, headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  server.on('connection', (socket: Socket) => sockets.push(socket));
  server.on('tlsClientError', () => {}); // a client refusing the certificate is what some tests expect
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  return {
    port: (server.address() as AddressInfo).port,
    received,
    /** Resolves once every connection the server accepted has closed: all it got has been read. */
    settled: () => Promise.all(sockets.map((s) => (s.closed ? Promise.resolve() : once(s, 'close')))),
  };
}

/** Runs one production-mode delivery in a child process that trusts the test CA. */
async function deliver(url: string, port: number, secret: string) {
  const child = start(process.execPath, ['--import', 'tsx', 'test/fixtures/webhook-tls/deliver.ts', url, String(port), secret], {
    ...process.env,
    NODE_EXTRA_CA_CERTS: file('ca.crt'),
  });
  // Waited for as a line: 'exit' can come before the last of stdout is read.
  const [line] = await waitFor(child, /^\{.*\}$/);
  assert.equal(await exited(child), 0, child.output.join('\n'));
  return JSON.parse(line) as { result: Delivery; dialled: string[] };
}

describe('postWebhook over HTTPS in production', () => {
  before(() => {
    openssl('req', '-x509', ...newKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=taskfn webhook test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('delivers to an https URL over a connection to the checked address, with the URL\'s name as Host and SNI, signed', async () => {
    const hook = await tlsReceiver(certificate('hooks.example.com', 'ca'));
    const { result, dialled } = await deliver('https://hooks.example.com/hook', hook.port, 'tls-secret');
    assert.deepEqual(result, { ok: true, status: 204 });
    assert.deepEqual(dialled, ['93.184.215.14']);
    assert.equal(hook.received.length, 1);
    const [{ servername, headers, body }] = hook.received as [Received];
    assert.equal(servername, 'hooks.example.com');
    assert.equal(headers.host, 'hooks.example.com');
    assert.equal(headers['x-taskfn-notification-id'], 'n-tls');
    assert.equal(headers['x-taskfn-signature'], signature('tls-secret', String(headers['x-taskfn-timestamp']), body));
    assert.deepEqual(JSON.parse(body), { hello: 'tls' });
  });

  it('does not deliver when the certificate, though from a trusted CA, is for another name, and leaves it to retry', async () => {
    const hook = await tlsReceiver(certificate('other.example.com', 'ca'));
    const { result, dialled } = await deliver('https://hooks.example.com/hook', hook.port, 'tls-secret');
    assert.equal(result.ok, false);
    assert.match(result.error!, /hooks\.example\.com.*not in the cert's altnames: DNS:other\.example\.com/);
    // A certificate is the receiver's to fix, so this is not a permanent failure: the outbox retries.
    assert.equal(result.permanent, undefined);
    assert.deepEqual(dialled, ['93.184.215.14']);
    await hook.settled();
    assert.deepEqual(hook.received, []);
  });

  it('does not deliver to a server whose certificate is self-signed', async () => {
    const hook = await tlsReceiver(certificate('hooks.example.com', 'self'));
    const { result, dialled } = await deliver('https://hooks.example.com/hook', hook.port, 'tls-secret');
    assert.equal(result.ok, false);
    assert.match(result.error!, /self[- ]signed certificate/);
    assert.equal(result.permanent, undefined);
    assert.deepEqual(dialled, ['93.184.215.14']);
    await hook.settled();
    assert.deepEqual(hook.received, []);
  });
});
