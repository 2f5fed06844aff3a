// The relay's landing page in real headless Chromium: what a browser opening the relay's
// address sees. Its QR codes decode (zbar-tools' zbarimg) to exactly the wsn addresses the
// relay lists in NIP-11, its live figures move after an event is stored, a Nostr client
// still gets NIP-11 at the same URL, and the page loads nothing from elsewhere. The
// screenshot is kept in $WSN_TEST_ARTIFACTS (default: the system temp folder).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { launchChromium } from './support/chromium.mjs';
import { startCppRelay } from './support/cpp-relay.mjs';

const artifacts = process.env.WSN_TEST_ARTIFACTS ?? tmpdir();

async function get(url, accept) {
  const res = await fetch(url, { headers: accept ? { Accept: accept } : {} });
  return { status: res.status, type: res.headers.get('content-type'), csp: res.headers.get('content-security-policy'), body: await res.text() };
}

function publish(url, event) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const t = setTimeout(() => reject(new Error('no OK in 10 s')), 10_000);
    ws.on('open', () => ws.send(JSON.stringify(['EVENT', event])));
    ws.on('message', (m) => {
      const msg = JSON.parse(m);
      if (msg[0] === 'OK') { clearTimeout(t); ws.close(); resolve(msg); }
    });
    ws.on('error', reject);
  });
}

describe('landing page', () => {
  let relay, browser, dir;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wsn-landing-'));
    const config = join(dir, 'wsn.toml');
    writeFileSync(config, '[info]\nname = "Landing <test> relay"\ndescription = "A relay & its page"\n' +
      'contact = "mailto:op@example.com"\n');
    // Two listeners: two addresses, two QR codes.
    relay = await startCppRelay(['--config', config, '--listen', '127.0.0.2:0']);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a Nostr client still gets NIP-11 and curl gets no page', async () => {
    const base = `http://127.0.0.1:${relay.port}/`;
    const nip11 = await get(base, 'application/nostr+json');
    assert.equal(nip11.status, 200);
    assert.match(nip11.type, /application\/nostr\+json/);
    assert.equal(JSON.parse(nip11.body).name, 'Landing <test> relay');
    assert.equal((await get(base, '*/*')).status, 404);
    const live = JSON.parse((await get(`${base}live.json`)).body);
    assert.deepEqual(Object.keys(live.connections), ['ws', 'wss', 'wsn', 'wsns']);
  });

  it('renders in Chromium, QR codes decode to the wsn addresses, live figures move', async () => {
    const base = `http://127.0.0.1:${relay.port}/`;
    const listed = JSON.parse((await get(base, 'application/nostr+json')).body).wsn;
    assert.equal(listed.length, 2, `two listeners, two addresses: ${listed}`);

    const page = await browser.newPage({ deviceScaleFactor: 2 });  // QR modules of whole pixels
    const outside = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) outside.push(r.url()); });
    const res = await page.goto(base);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
    assert.equal(await page.title(), 'Landing <test> relay');
    assert.equal(await page.locator('h1').textContent(), 'Landing <test> relay');
    assert.match(await page.locator('body').textContent(), /A relay & its page/);
    assert.match(await page.locator('body').textContent(), /ws:\/\/127\.0\.0\.1:/);
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'relay-landing-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);

    // Each QR code, alone on a white page at a size a scanner likes, decoded by zbarimg.
    const svgs = page.locator('.addr svg');
    assert.equal(await svgs.count(), 2);
    const decoded = [];
    for (let i = 0; i < 2; i++) {
      const png = join(dir, `qr-${i}.png`);
      await svgs.nth(i).screenshot({ path: png });
      decoded.push(execFileSync('zbarimg', ['--quiet', '--raw', png], { encoding: 'utf8' }).trim());
    }
    assert.deepEqual(decoded.sort(), [...listed].sort());
    // The copy buttons are there with JavaScript, one per address.
    assert.equal(await page.locator('button[data-copy]:visible').count(), 2);

    const before = Number(await page.locator('#events-stored').textContent());
    const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'landing page test' },
      generateSecretKey());
    const ok = await publish(relay.plainUrl, ev);
    assert.equal(ok[2], true, `stored: ${ok}`);
    // The page polls every 5 s and the store is counted at most every 5 s.
    await page.waitForFunction((n) => Number(document.getElementById('events-stored').textContent) > n, before,
      { timeout: 20_000 });
    assert.deepEqual(outside, [], 'the page loads nothing from elsewhere');
    await page.close();
  });

  it('without JavaScript the addresses are on the page and the copy buttons are not', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${relay.port}/`);
    assert.equal(await page.locator('.addr code').count(), 2);
    assert.equal(await page.locator('button[data-copy]:visible').count(), 0);
    await ctx.close();
  });
});
