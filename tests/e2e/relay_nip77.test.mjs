// NIP-77 on the relay: nostr-tools' own negentropy code (lib/…/nip77.js) as the client
// against `wsn relay`; the have/need sets it computes equal the true differences. Limits
// and malformed messages are answered with NEG-ERR and a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
// nostr-tools ships nip77 without a package export: loaded by its path.
import { NegentropyStorageVector, NegentropySync } from './node_modules/nostr-tools/lib/esm/nip77.js';
import { runWsn, tempDir } from './tools_lib.mjs';
import { startRelay } from './lib/relay.mjs';

useWebSocketImplementation(WebSocket);

const now = () => Math.floor(Date.now() / 1000);
const keys = Array.from({ length: 5 }, () => generateSecretKey());
// Many events per second, so the bounds need id prefixes.
const make = (i, kind = 1) =>
  finalizeEvent({ kind, created_at: now() - 1000 + (i % 97), tags: [], content: `e${i}` }, keys[i % keys.length]);

async function relayWith(events, args = []) {
  const dir = tempDir();
  const imp = await runWsn(['import', '-', '--data', dir], { input: events.map((e) => JSON.stringify(e)).join('\n') + '\n' });
  assert.equal(imp.code, 0, imp.stderr);
  const relay = await startRelay({ dataDir: dir, args });
  return { relay, dir, stop: async () => { await relay.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

// nostr-tools' NegentropySync over `local`: resolves with the have/need ids, or rejects with the NEG-ERR.
async function syncWith(url, local, filter) {
  const r = await Relay.connect(url);
  const storage = new NegentropyStorageVector();
  for (const e of local) storage.insert(e.created_at, e.id);
  storage.seal();
  const have = [], need = [];
  try {
    await new Promise((resolve, reject) => {
      const s = new NegentropySync(r, storage, filter, {
        onhave: (id) => have.push(id),
        onneed: (id) => need.push(id),
        onclose: (err) => (err ? reject(new Error(err)) : resolve()),
      });
      s.start();
    });
  } finally {
    r.close();
  }
  return { have: have.sort(), need: need.sort() };
}

// Raw NIP-77 messages: sends each and returns the relay's answers to them.
async function exchange(url, messages, count) {
  const ws = new WebSocket(url);
  const got = [];
  await new Promise((resolve, reject) => {
    ws.on('open', () => messages.forEach((m) => ws.send(JSON.stringify(m))));
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m[0] === 'NEG-MSG' || m[0] === 'NEG-ERR') got.push(m);
      if (got.length === count) resolve();
    });
    ws.on('error', reject);
    setTimeout(() => reject(new Error(`only ${JSON.stringify(got)}`)), 10000);
  });
  ws.close();
  return got;
}

const ids = (events) => events.map((e) => e.id).sort();

test('nostr-tools as the client: have/need equal the true differences', async () => {
  const all = Array.from({ length: 1600 }, (_, i) => make(i, i % 3 === 0 ? 7 : 1));
  const shared = all.slice(0, 1000), relayOnly = all.slice(1000, 1300), clientOnly = all.slice(1300);
  const { relay, stop } = await relayWith([...shared, ...relayOnly]);
  try {
    const whole = await syncWith(relay.wsUrl, [...shared, ...clientOnly], {});
    assert.deepEqual(whole.have, ids(clientOnly));
    assert.deepEqual(whole.need, ids(relayOnly));
    // A filter: the relay side covers only its kind-7 events.
    const k7 = (es) => es.filter((e) => e.kind === 7);
    const some = await syncWith(relay.wsUrl, k7([...shared, ...clientOnly]), { kinds: [7] });
    assert.deepEqual(some.have, ids(k7(clientOnly)));
    assert.deepEqual(some.need, ids(k7(relayOnly)));
    // Equal sets: nothing either way.
    const same = await syncWith(relay.wsUrl, [...shared, ...relayOnly], {});
    assert.deepEqual(same, { have: [], need: [] });
  } finally {
    await stop();
  }
});

test('private kinds are never reconciled: their ids would tell who writes to whom', async () => {
  const notes = Array.from({ length: 50 }, (_, i) => make(i));
  const dms = Array.from({ length: 20 }, (_, i) => make(1000 + i, i % 2 ? 4 : 1059));
  const { relay, stop } = await relayWith([...notes, ...dms]);
  try {
    // An empty client: the relay offers its notes and none of the DMs or gift wraps.
    const empty = await syncWith(relay.wsUrl, [], {});
    assert.deepEqual(empty.need, ids(notes));
    const dmsOnly = await syncWith(relay.wsUrl, [], { kinds: [4, 1059] });
    assert.deepEqual(dmsOnly, { have: [], need: [] });
  } finally {
    await stop();
  }
});

test('limits and malformed messages are answered with NEG-ERR and a reason', async () => {
  const events = Array.from({ length: 30 }, (_, i) => make(i));
  const cfgDir = tempDir();
  const cfg = join(cfgDir, 'wsn.toml');
  writeFileSync(cfg, '[sync]\nmax_records = 20\nmax_sessions = 2\nidle_timeout = 1\n');
  const { relay, stop } = await relayWith(events, ['--config', cfg]);
  try {
    const empty = '6100000200';  // version 1, one IdList range of no ids up to infinity
    // More events than max_records
    let [err] = await exchange(relay.wsUrl, [['NEG-OPEN', 'big', {}, empty]], 1);
    assert.equal(err[0], 'NEG-ERR');
    assert.match(err[2], /^blocked: this sync would cover more than 20 events/);
    // A filter within the limit is served; the answer lists the relay's ids.
    let [ok] = await exchange(relay.wsUrl, [['NEG-OPEN', 'small', { limit: 1, kinds: [1], since: now() - 1000, until: now() - 1000 + 10 }, empty]], 1);
    assert.equal(ok[0], 'NEG-MSG');
    assert.match(ok[2], /^61/);
    // A malformed message: bad version byte, truncated varint, odd hex
    const bad = await exchange(relay.wsUrl, [
      ['NEG-OPEN', 'v', { kinds: [9] }, '00'],
      ['NEG-OPEN', 't', { kinds: [9] }, '6180'],
      ['NEG-OPEN', 'h', { kinds: [9] }, '61z'],
      ['NEG-MSG', 'nosuch', '61'],
    ], 4);
    const byId = Object.fromEntries(bad.map((m) => [m[1], m]));
    assert.deepEqual(byId.v, ['NEG-ERR', 'v', 'invalid: not a negentropy message (version byte 0x00)']);
    assert.deepEqual(byId.t, ['NEG-ERR', 't', 'invalid: bound timestamp: truncated varint']);
    assert.deepEqual(byId.h, ['NEG-ERR', 'h', 'invalid: negentropy message is not hex']);
    assert.match(byId.nosuch[2], /^closed: /);
    // Another version: the relay answers with its own version byte alone.
    const [v2] = await exchange(relay.wsUrl, [['NEG-OPEN', 'v2', { kinds: [9] }, '62']], 1);
    assert.deepEqual(v2, ['NEG-MSG', 'v2', '61']);
    // Sessions per connection, then the idle timeout closes the open ones.
    const s = await exchange(relay.wsUrl, [
      ['NEG-OPEN', 'a', { kinds: [9] }, empty], ['NEG-OPEN', 'b', { kinds: [9] }, empty],
      ['NEG-OPEN', 'c', { kinds: [9] }, empty]], 5);
    const c = s.find((m) => m[1] === 'c');
    assert.deepEqual(c, ['NEG-ERR', 'c', 'blocked: too many negentropy sessions on this connection (max 2)']);
    const idle = s.filter((m) => m[0] === 'NEG-ERR' && m[1] !== 'c');
    assert.equal(idle.length, 2);
    for (const m of idle) assert.match(m[2], /^closed: no NEG-MSG for 1 seconds/);
    // NIP-11 lists 77
    const info = await (await fetch(`http://127.0.0.1:${relay.port}/`, { headers: { Accept: 'application/nostr+json' } })).json();
    assert.ok(info.supported_nips.includes(77));
  } finally {
    await stop();
    rmSync(cfgDir, { recursive: true, force: true });
  }
});
