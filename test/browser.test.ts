import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seriousViolations, useBrowser } from './browser.ts';

const { browser } = useBrowser();

describe('the browser tests’ accessibility check', () => {
  it('is caught by an unlabelled text field and an image without text', async () => {
    const page = await browser().newPage();
    await page.setContent('<!doctype html><html lang="en"><title>t</title><main><input type="text"><img src="data:,"></main></html>');
    assert.deepEqual((await seriousViolations(page)).map((v) => v.id).sort(), ['image-alt', 'label']);
    await page.close();
  });
});
