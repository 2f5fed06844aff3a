// nostr-tools, unchanged, over wsn: its Relay with useWebSocketImplementation
// publishes and subscribes through WsnWebSocket. Runs against the in-test NIP-01
// relay on the JS responder, and against the C++ relay when WSN_BIN names it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { compressedPublicKey, npubEncode, randomSecretKey, useWsn, WsnWebSocket, wrongKeyMessage } from '../dist/index.js';
import { startMiniRelay } from './support/mini-relay.mjs';
import { startCppRelay, wsnBin } from './support/cpp-relay.mjs';
import { recordUntilClose } from './support/net.mjs';

useWebSocketImplementation(useWsn({ WebSocket }));

async function waitFor(cond, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function query(relay, filters) {
  return new Promise((resolve) => {
    const events = [];
    const sub = relay.subscribe(filters, {
      onevent: (e) => events.push(e),
      oneose: () => {
        sub.close();
        resolve(events);
      },
    });
  });
}

function suite(name, start, { bigContent }) {
  describe(name, () => {
    let relay;
    before(async () => {
      relay = await start();
    });
    after(() => relay?.close());

    it('Relay publishes, subscribes (stored and live) over wsn://', async () => {
      const sk = generateSecretKey();
      const pk = getPublicKey(sk);
      const reader = await Relay.connect(relay.address);
      assert.ok(reader.ws instanceof WsnWebSocket);
      assert.equal(reader.ws.relayNpub, relay.npub);
      const live = [];
      let eosed = false;
      reader.subscribe([{ kinds: [1], authors: [pk] }], { onevent: (e) => live.push(e), oneose: () => (eosed = true) });
      await waitFor(() => eosed, 'EOSE');

      const writer = await Relay.connect(relay.address);
      const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: `hello over wsn ${Math.random()}` }, sk);
      await writer.publish(ev);
      await waitFor(() => live.some((e) => e.id === ev.id), 'live event');

      const late = await Relay.connect(relay.address);
      const stored = await query(late, [{ ids: [ev.id] }]);
      assert.deepEqual(stored.map((e) => e.content), [ev.content]);
      for (const r of [reader, writer, late]) r.close();
    });

    it('a multi-chunk event round trip', async () => {
      const sk = generateSecretKey();
      const r = await Relay.connect(relay.address);
      const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'z'.repeat(bigContent) }, sk);
      await r.publish(ev);
      const stored = await query(r, [{ ids: [ev.id] }]);
      assert.equal(stored[0]?.content.length, bigContent);
      r.close();
    });

    it('the same Relay class still reaches the plain ws:// port', async () => {
      const r = await Relay.connect(relay.plainUrl);
      assert.ok(r.ws instanceof WebSocket);
      const events = await query(r, [{ kinds: [1], limit: 1 }]);
      assert.ok(events.length <= 1);
      r.close();
    });

    it('a wrong key fails the connection with the clear error', async () => {
      const otherNpub = npubEncode(compressedPublicKey(randomSecretKey()).subarray(1));
      const wrong = relay.address.replace(relay.npub, otherNpub);
      await assert.rejects(Relay.connect(wrong));
      const ws = new WsnWebSocket(wrong, undefined, { WebSocket });
      const events = await recordUntilClose(ws);
      assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
      assert.equal(events[0].message, wrongKeyMessage(otherNpub));
      assert.equal(events[1].reason, wrongKeyMessage(otherNpub));
    });
  });
}

suite('nostr-tools over wsn: in-test NIP-01 relay on the JS responder', async () => {
  const r = await startMiniRelay();
  return { ...r, plainUrl: `ws://127.0.0.1:${r.port}/` };
}, { bigContent: 300_000 });

if (wsnBin) {
  // Under the C++ relay's default 1 MiB message limit, and more than two chunks.
  suite('nostr-tools over wsn: the C++ relay (WSN_BIN)', () => startCppRelay(), { bigContent: 150_000 });
} else {
  describe('nostr-tools over wsn: the C++ relay', () => {
    it('needs WSN_BIN (path of the wsn binary)', { skip: 'WSN_BIN is not set' }, () => {});
  });
}
