// A key-only address, wsn://npub1…, found through a directory relay (the C++ relay,
// over ws) in Node and in headless Chromium: the announcement is looked up and checked
// (signature, key, expiry, newest wins), an impostor on the first announced address is
// passed over, and nostr-tools works on top unchanged. docs/discovery.md.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { acceptAnnouncement, clearRelayCache, lookup, useWsn } from '../dist/index.js';
import { startMiniRelay } from './support/mini-relay.mjs';
import { startCppRelay, wsnBin } from './support/cpp-relay.mjs';
import { launchChromium } from './support/chromium.mjs';
import { serveStatic } from './support/static-server.mjs';

const now = () => Math.floor(Date.now() / 1000);
const hostPort = (address) => /@([^/]+)/.exec(address)[1];

function announcement(sk, addresses, { createdAt = now(), lifetime = 1209600 } = {}) {
  const tags = addresses.map((a) => ['clearnet', hostPort(a), 'wsn']);
  tags.push(['expiration', String(createdAt + lifetime)]);
  return finalizeEvent({ kind: 11111, created_at: createdAt, tags, content: '' }, sk);
}

async function publish(url, event) {
  const r = await Relay.connect(url);
  await r.publish(event);
  r.close();
}

async function reqCount(dir) {
  const text = await (await fetch(`http://127.0.0.1:${dir.port}/metrics`)).text();
  return Number(/wsn_messages_total\{verb="REQ"\} (\d+)/.exec(text)[1]);
}

describe('key-only wsn:// addresses', { skip: !wsnBin && 'needs WSN_BIN (the C++ relay as the directory)' }, () => {
  let dir, relay, impostor, rKey, keyOnly;
  before(async () => {
    useWebSocketImplementation(WebSocket);
    dir = await startCppRelay();
    rKey = generateSecretKey();
    relay = await startMiniRelay({ secretKey: rKey });
    impostor = await startMiniRelay();
    keyOnly = `wsn://${relay.npub}`;
    // The impostor's address first: the handshake must refuse it and the client move on.
    await publish(dir.plainUrl, announcement(rKey, [impostor.address, relay.address]));
  });
  after(async () => {
    await relay?.close();
    await impostor?.close();
    await dir?.close();
  });

  it('in Node: finds the relay by its key, passes the impostor over, then uses the cache', async () => {
    clearRelayCache();
    const WS = useWsn({ WebSocket, directories: [dir.plainUrl] });
    const before = await reqCount(dir);
    const ws = new WS(keyOnly);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = (e) => reject(new Error(e.message));
    });
    assert.equal(ws.relayNpub, relay.npub);
    assert.equal(ws.url, keyOnly);
    assert.equal(await reqCount(dir), before + 1);
    ws.close();

    // nostr-tools on top, now from the cache: no directory REQ.
    useWebSocketImplementation(WS);
    const r = await Relay.connect(keyOnly);
    const e = finalizeEvent({ kind: 1, created_at: now(), tags: [], content: 'by key alone' }, generateSecretKey());
    await r.publish(e);
    const got = await new Promise((resolve) => {
      const seen = [];
      const sub = r.subscribe([{ ids: [e.id] }], { onevent: (x) => seen.push(x.id), oneose: () => { sub.close(); resolve(seen); } });
    });
    assert.deepEqual(got, [e.id]);
    r.close();
    assert.equal(await reqCount(dir), before + 1);
    useWebSocketImplementation(WebSocket);
  });

  it('without directories and nothing cached, a clear error', async () => {
    clearRelayCache();
    const ws = new (useWsn({ WebSocket }))(keyOnly);
    const err = await new Promise((resolve) => { ws.onerror = (e) => resolve(e.message); });
    assert.match(err, /has no host: give \{ directories \}/);
  });

  it('forged, stale and expired announcements are each ignored', async () => {
    clearRelayCache();
    const key = getPublicKey(rKey);
    const forged = { ...announcement(generateSecretKey(), [relay.address]), pubkey: key };
    const stale = announcement(rKey, ['wsn://x@127.0.0.9:9'], { createdAt: now() - 3600 });
    const expired = announcement(rKey, ['wsn://x@127.0.0.9:9'], { createdAt: now() - 200, lifetime: 60 });
    assert.throws(() => acceptAnnouncement(forged, key), /bad id|bad signature/);
    assert.throws(() => acceptAnnouncement(expired, key), /expired/);
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (s) => s.on('message', (d) => {
      const [, sub] = JSON.parse(d.toString());
      for (const ev of [forged, stale, expired]) s.send(JSON.stringify(['EVENT', sub, ev]));
      s.send(JSON.stringify(['EOSE', sub]));
    }));
    const liar = `ws://127.0.0.1:${wss.address().port}`;
    const found = await lookup(key, [liar, dir.plainUrl], useWsn({ WebSocket }));
    wss.close();
    assert.deepEqual(found.sources, [dir.plainUrl]);
    const ignored = found.ignored.join('\n');
    assert.match(ignored, new RegExp(`${liar}: bad (id|signature)`));
    assert.match(ignored, new RegExp(`${liar}: expired`));
    assert.match(ignored, new RegExp(`${liar}: older than the newest announcement found`));
    assert.equal(found.ignored.length, 3);
  });

  it('in Chromium: the demo page connects to wsn://npub1… through a directory', async () => {
    const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo');
    const site = await serveStatic(demoDir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const q = `relay=${encodeURIComponent(keyOnly)}&directory=${encodeURIComponent(dir.plainUrl)}`;
      await page.goto(`${site.url}?${q}`);
      await page.click('#connect');
      await page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, { timeout: 20_000 });
      assert.equal(await page.textContent('#relay-key'), relay.npub);
    } finally {
      await browser.close();
      await site.close();
    }
  });
});
