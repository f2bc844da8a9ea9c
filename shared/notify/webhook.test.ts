import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { connect, isIPv6 } from 'node:net';
import { describe, it } from 'node:test';
import { receiver } from '../../test/notification-events.ts';
import { loadConfig } from '../config.ts';
import type { Network } from './network.ts';
import { postWebhook, webhookOptions } from './webhook.ts';

// The production code path: NODE_ENV=production, WEBHOOK_ALLOW_PRIVATE unset. Only the last step,
// the TCP dial, is the test's: whatever address the code chose lands on a local receiver, so a
// "public" address can be delivered to here, and the test sees every address the code dialled.
const production = loadConfig({ NODE_ENV: 'production', APP_API_TOKEN: 'app-token', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://127.0.0.1/none' });

const noResolver: Network['resolve'] = () => Promise.reject(new Error('this test resolves no names'));

function network(port: number, resolve: Network['resolve'] = noResolver) {
  const dialled: string[] = [];
  const net: Network = {
    resolve,
    dial: (address) => {
      dialled.push(address);
      return connect({ host: '127.0.0.1', port });
    },
  };
  return { options: webhookOptions(production, net), dialled };
}

const literal = (address: string) => (isIPv6(address) ? `http://[${address}]/hook` : `http://${address}/hook`);

const refused = [
  '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.255.255.254',
  '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.1', '192.0.0.170', '192.0.2.1', '192.88.99.1', '192.168.1.1',
  '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  '::1', '::', '::7f00:1', '::8.8.8.8', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::7f00:1',
  '64:ff9b::a9fe:a9fe', '64:ff9b:1::5db8:d70e', '100::1', '100:0:0:1::1', '2001::1', '2001:2::1', '2001:1ff::1', '2001:db8::1',
  '2002:7f00:1::1', '2002:5db8:d70e::1', '3fff::1', '3fff:fff::1', '5f00::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'febf::1',
  'fec0::1', 'ff02::1', '4000::1', 'e000::1',
];
const allowed = [
  '93.184.215.14', '8.8.8.8', '1.1.1.1', '11.0.0.1', '100.63.255.255', '100.128.0.0', '126.255.255.255', '169.253.255.255',
  '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.167.255.255', '198.17.255.255', '198.20.0.0', '223.255.255.255',
  '2606:4700::1111', '2001:4860:4860::8888', '2001:200::1', '2a00:1450:4001::1', '3fff:1000::1', '::ffff:93.184.215.14',
  '64:ff9b::5db8:d70e',
];

describe('postWebhook in production', () => {
  it('delivers to a public IPv4 address, signed, over a connection to that address', async () => {
    const hook = await receiver([204]);
    const { options, dialled } = network(hook.port);
    const result = await postWebhook('http://93.184.215.14/hook', 'secret', 'n-1', { hello: 'world' }, options);
    assert.deepEqual(result, { ok: true, status: 204 });
    assert.deepEqual(dialled, ['93.184.215.14']);
    const [{ headers, body }] = hook.received as [typeof hook.received[0]];
    assert.equal(headers.host, '93.184.215.14');
    assert.equal(headers['x-taskfn-notification-id'], 'n-1');
    const expected = `v1=${createHmac('sha256', 'secret').update(`${String(headers['x-taskfn-timestamp'])}.${body}`).digest('hex')}`;
    assert.equal(headers['x-taskfn-signature'], expected);
    assert.deepEqual(JSON.parse(body), { hello: 'world' });
  });

  for (const [address, ok] of [...refused.map((a) => [a, false] as const), ...allowed.map((a) => [a, true] as const)]) {
    it(`${ok ? 'delivers to' : 'refuses'} ${address}, as a literal and as a name resolving to it`, async () => {
      const hook = await receiver([204]);
      for (const url of [literal(address), 'http://hooks.example/hook']) {
        const { options, dialled } = network(hook.port, () => Promise.resolve([{ address, family: isIPv6(address) ? 6 : 4 }]));
        const result = await postWebhook(url, 'secret', 'n', {}, options);
        if (ok) {
          assert.deepEqual([result, dialled.length], [{ ok: true, status: 204 }, 1], url);
        } else {
          assert.equal(result.permanent, true, url);
          assert.match(result.error!, /non-public address/, url);
          assert.deepEqual(dialled, [], url);
        }
      }
      assert.equal(hook.received.length, ok ? 2 : 0);
    });
  }

  it('refuses a name when any of its addresses is non-public', async () => {
    const hook = await receiver([204]);
    const { options, dialled } = network(hook.port, () => Promise.resolve([{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.7', family: 4 }]));
    const result = await postWebhook('http://hooks.example/hook', 'secret', 'n', {}, options);
    assert.match(result.error!, /10\.0\.0\.7: private/);
    assert.deepEqual(dialled, []);
  });

  it('never connects to loopback when a name answers a public address first and 127.0.0.1 the next time (DNS rebinding)', async () => {
    const hook = await receiver([204]);
    const answers = ['93.184.215.14', '127.0.0.1'];
    let lookups = 0;
    const { options, dialled } = network(hook.port, () => Promise.resolve([{ address: answers[Math.min(lookups++, 1)]!, family: 4 }]));
    assert.deepEqual(await postWebhook('http://rebind.example/hook', 'secret', 'n', {}, options), { ok: true, status: 204 });
    assert.equal(lookups, 1, 'one resolution per attempt: the connection goes to the address checked');
    const second = await postWebhook('http://rebind.example/hook', 'secret', 'n', {}, options);
    assert.deepEqual([second.permanent, lookups], [true, 2]);
    assert.deepEqual(dialled, ['93.184.215.14']);
    assert.equal(hook.received.length, 1);
  });

  it('gives up within the timeout on a name that never resolves', async () => {
    const { options } = network(1, () => new Promise(() => {}));
    const started = Date.now();
    const result = await postWebhook('http://slow.example/hook', 'secret', 'n', {}, { ...options, timeoutMs: 200 });
    assert.equal(result.ok, false);
    assert.equal(result.permanent, undefined);
    assert.ok(Date.now() - started < 2000, 'answers within 2 s');
  });

  it('calls 410 Gone and other 4xx permanent, but retries 408, 429 and 5xx, and reads Retry-After', async () => {
    const answers = [410, 404, 408, 429, 500, { status: 429, headers: { 'retry-after': '120' } }, { status: 503, headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() } }];
    const hook = await receiver(answers);
    const { options } = network(hook.port);
    const results = [];
    for (let i = 0; i < answers.length; i++) results.push(await postWebhook('http://93.184.215.14/hook', 's', 'n', {}, options));
    assert.deepEqual(results.slice(0, 6).map((r) => [r.status, r.permanent ?? false, r.retryAfterMs]), [
      [410, true, undefined], [404, true, undefined], [408, false, undefined], [429, false, undefined], [500, false, undefined], [429, false, 120_000],
    ]);
    const dated = results[6]!.retryAfterMs!;
    assert.ok(dated > 3_590_000 && dated <= 3_600_000, `an HTTP-date Retry-After an hour ahead is about an hour (${dated} ms)`);
  });
});
