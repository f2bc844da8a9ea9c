import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { heldOpenOnceFree, itBoundsSlowAndGreedyClients, refused, smallLimits } from '../../test/slow-clients.ts';
import { applyServerLimits } from './server-limits.ts';

// The limits on a bare server whose handler reads the body, as taskfn's does; npm start and a
// function's own server are tested with the same clients in test/npm-start.test.ts and
// test/functions-framework.test.ts.
describe('applyServerLimits', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    applyServerLimits(server, smallLimits);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  itBoundsSlowAndGreedyClients(() => port);

  it('takes new connections again once below the cap', async () => {
    const held = await heldOpenOnceFree(port, smallLimits.HTTP_MAX_CONNECTIONS);
    assert.equal(await refused(port), true);
    held.pop()!.destroy();
    const again = await heldOpenOnceFree(port, 1);
    for (const s of [...held, ...again]) s.destroy();
  });
});
