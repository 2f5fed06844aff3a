// NIP-62: a request to vanish naming this relay deletes its author's events and the
// gift wraps to them up to its created_at, keeps the request, refuses those events
// forever (across a restart); one naming another relay changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';
import { runWsn, tempDir } from './tools_lib.mjs';

const now = () => Math.floor(Date.now() / 1000);

async function connect(url) {
  const ws = new WebSocket(url);
  const msgs = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  let n = 0;
  return {
    ws,
    async publish(e) {
      ws.send(JSON.stringify(['EVENT', e]));
      await waitFor(() => msgs.some((m) => m[0] === 'OK' && m[1] === e.id), { what: 'OK' });
      return msgs.find((m) => m[0] === 'OK' && m[1] === e.id);
    },
    async req(filter) {
      const sub = `s${n++}`;
      ws.send(JSON.stringify(['REQ', sub, filter]));
      await waitFor(() => msgs.some((m) => m[0] === 'EOSE' && m[1] === sub), { what: 'EOSE' });
      return msgs.filter((m) => m[0] === 'EVENT' && m[1] === sub).map((m) => m[2]);
    },
  };
}

test('a request to vanish deletes, keeps itself, and refuses the old events for good', async () => {
  const dir = tempDir();
  const alice = generateSecretKey(), bob = generateSecretKey(), carol = generateSecretKey();
  const A = getPublicKey(alice);
  const t = now();
  const old1 = finalizeEvent({ kind: 1, created_at: t - 100, tags: [], content: 'old' }, alice);
  const old2 = finalizeEvent({ kind: 0, created_at: t - 50, tags: [], content: '{}' }, alice);
  const wrap = finalizeEvent({ kind: 1059, created_at: t - 60, tags: [['p', A]], content: 'wrapped' }, generateSecretKey());
  const bobs = finalizeEvent({ kind: 1, created_at: t - 40, tags: [['p', A]], content: 'hi alice' }, bob);
  const carols = finalizeEvent({ kind: 1, created_at: t - 40, tags: [], content: 'carol stays' }, carol);
  const imp = await runWsn(['import', '-', '--data', dir],
    { input: [old1, old2, wrap, bobs, carols].map((e) => JSON.stringify(e)).join('\n') + '\n' });
  assert.equal(imp.code, 0, imp.stderr);
  let relay = await startRelay({ dataDir: dir, args: ['--public-url', 'wss://relay.example.com'] });
  try {
    const c = await connect(relay.wsUrl);
    // Carol names another relay: nothing changes.
    const elsewhere = finalizeEvent({ kind: 62, created_at: t - 5, tags: [['relay', 'wss://other.example']], content: '' }, carol);
    assert.equal((await c.publish(elsewhere))[2], true);
    assert.equal((await c.req({ ids: [carols.id] })).length, 1);

    const request = finalizeEvent({ kind: 62, created_at: t - 10, tags: [['relay', 'wss://relay.example.com/']], content: 'bye' }, alice);
    const ok = await c.publish(request);
    assert.equal(ok[2], true, ok[3]);
    assert.deepEqual((await c.req({ authors: [A] })).map((e) => e.id), [request.id], 'only the request is kept');
    assert.deepEqual(await c.req({ ids: [old1.id, old2.id, wrap.id] }), []);
    assert.equal((await c.req({ ids: [bobs.id] })).length, 1, "others' events stay");

    const again = await c.publish(old1);
    assert.equal(again[2], false);
    assert.match(again[3], /^blocked: /);
    const wrapAgain = await c.publish(wrap);
    assert.equal(wrapAgain[2], false);
    const newer = finalizeEvent({ kind: 1, created_at: t, tags: [], content: 'back' }, alice);
    assert.equal((await c.publish(newer))[2], true);
    c.ws.close();

    await relay.stop();
    relay = await startRelay({ dataDir: dir, args: ['--public-url', 'wss://relay.example.com'] });
    const d = await connect(relay.wsUrl);
    assert.equal((await d.publish(old2))[2], false, 'still refused after a restart');
    // by the relay's wsn address (its key) too
    const dave = generateSecretKey();
    const daves = finalizeEvent({ kind: 1, created_at: t - 30, tags: [], content: 'dave' }, dave);
    assert.equal((await d.publish(daves))[2], true);
    const byKey = finalizeEvent({ kind: 62, created_at: t - 1, tags: [['relay', relay.wsnUrl]], content: '' }, dave);
    assert.equal((await d.publish(byKey))[2], true);
    assert.deepEqual(await d.req({ ids: [daves.id] }), []);
    d.ws.close();
  } finally {
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
