import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startDaprd } from '../../test/dapr/daprd.ts';
import { freePort } from '../../test/free-port.ts';
import { sidecarOutboundHealth } from './sidecar-health.ts';

// Against a real daprd (built once into .cache/tools by scripts/dapr/install.sh).
describe('sidecar outbound health', { timeout: 15 * 60_000 }, () => {
  it('is ok once a real daprd has loaded its components, called with its API token', async () => {
    const resources = await mkdtemp(path.join(tmpdir(), 'sidecar-health-'));
    const daprd = await startDaprd({ appId: 'sidecar-health', resourcesPaths: [resources], daprApiToken: 'sidecar-health-token' });
    try {
      assert.equal(await sidecarOutboundHealth({ endpoint: daprd.url, apiToken: 'sidecar-health-token' }), 'ok');
    } finally {
      await daprd.stop();
      await rm(resources, { recursive: true, force: true });
    }
  });

  it('is unavailable while no sidecar answers, within its budget', async () => {
    assert.equal(await sidecarOutboundHealth({ endpoint: `http://127.0.0.1:${await freePort()}`, timeoutMs: 500 }), 'unavailable');
  });
});
