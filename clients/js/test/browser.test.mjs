// The demo page in a real browser: Debian's chromium driven headless by
// playwright-core connects over wsn, shows the verified relay key, publishes a
// note and reads it back; a wrong key shows the clear error. Runs against the
// in-test relay, and against the C++ relay when WSN_BIN is set.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { launchChromium } from './support/chromium.mjs';
import { compressedPublicKey, npubEncode, randomSecretKey, wrongKeyMessage } from '../dist/index.js';
import { startMiniRelay } from './support/mini-relay.mjs';
import { startCppRelay, wsnBin } from './support/cpp-relay.mjs';
import { serveStatic } from './support/static-server.mjs';

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo');
function suite(name, start) {
  describe(name, () => {
    let relay, site, browser;
    const pageErrors = [];
    before(async () => {
      assert.ok(existsSync(join(demoDir, 'wsn-demo.js')), 'demo bundle missing: run npm run build');
      relay = await start();
      site = await serveStatic(demoDir);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await site?.close();
      await relay?.close();
    });

    async function openDemo() {
      const page = await browser.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(site.url);
      return page;
    }

    it('connects, shows the verified key, publishes a note and lists it', async () => {
      const page = await openDemo();
      await page.fill('#address', relay.address);
      await page.click('#connect');
      await page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, { timeout: 15_000 });
      assert.equal(await page.textContent('#relay-key'), relay.npub);
      assert.match(await page.textContent('#pubkey'), /^npub1[0-9a-z]{58}$/);

      const note = `hello from chromium over wsn ${Date.now()}`;
      await page.fill('#note', note);
      await page.click('#publish');
      await page.waitForFunction(() => /^published [0-9a-f]{12}…$/.test(document.getElementById('publish-status').textContent),
        null, { timeout: 15_000 });
      await page.waitForFunction((n) => [...document.querySelectorAll('#events li .content')].some((e) => e.textContent === n),
        note, { timeout: 15_000 });

      // A second page reads it back from the relay's store (REQ limit 20).
      const reader = await openDemo();
      await reader.goto(`${site.url}?relay=${encodeURIComponent(relay.address)}`);
      assert.equal(await reader.inputValue('#address'), relay.address);
      await reader.click('#connect');
      await reader.waitForFunction((n) => [...document.querySelectorAll('#events li .content')].some((e) => e.textContent === n),
        note, { timeout: 15_000 });
      assert.ok((await reader.$$('#events li')).length <= 20);
      assert.deepEqual(pageErrors, []);
      await page.close();
      await reader.close();
    });

    it('a wrong key shows the clear error and sends nothing', async () => {
      const page = await openDemo();
      const otherNpub = npubEncode(compressedPublicKey(randomSecretKey()).subarray(1));
      await page.fill('#address', relay.address.replace(relay.npub, otherNpub));
      await page.click('#connect');
      await page.waitForFunction(() => document.getElementById('status').className === 'error', null, { timeout: 15_000 });
      assert.equal(await page.textContent('#status'), wrongKeyMessage(otherNpub));
      assert.equal(await page.textContent('#relay-key'), '—');
      assert.equal(await page.isDisabled('#publish'), true);
      await page.close();
    });
  });
}

suite('demo page in chromium: in-test relay on the JS responder', () => startMiniRelay());
if (wsnBin) {
  suite('demo page in chromium: the C++ relay (WSN_BIN)', () => startCppRelay());
} else {
  describe('demo page in chromium: the C++ relay', () => {
    it('needs WSN_BIN (path of the wsn binary)', { skip: 'WSN_BIN is not set' }, () => {});
  });
}
