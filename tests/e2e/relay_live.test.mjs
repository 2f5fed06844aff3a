// Live delivery through the monitor's subscription index, over raw ws: a replaced
// REQ gets only its new filter's events, and many subscriptions on many
// connections get exactly their events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';

let relay;
before(async () => { relay = await startRelay(); });
after(async () => { await relay.stop(); relay.cleanup(); });

const now = () => Math.floor(Date.now() / 1000);
const sign = (sk, fields) => finalizeEvent({ created_at: now(), tags: [], content: '', kind: 1, ...fields }, sk);

// A raw client: every message kept, EVENTs sorted by subscription.
async function client() {
  const ws = new WebSocket(relay.wsUrl);
  const c = { ws, msgs: [], events: {} };
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    c.msgs.push(m);
    if (m[0] === 'EVENT') (c.events[m[1]] ??= []).push(m[2]);
  });
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  c.send = (m) => ws.send(JSON.stringify(m));
  c.count = (type, id) => c.msgs.filter((m) => m[0] === type && m[1] === id).length;
  c.req = async (sub, ...filters) => {
    const before = c.count('EOSE', sub);
    c.send(['REQ', sub, ...filters]);
    await waitFor(() => c.count('EOSE', sub) > before, { what: `EOSE ${sub}` });
  };
  c.publish = async (e) => {
    c.send(['EVENT', e]);
    await waitFor(() => c.msgs.some((m) => m[0] === 'OK' && m[1] === e.id), { what: 'OK' });
    const ok = c.msgs.find((m) => m[0] === 'OK' && m[1] === e.id);
    assert.equal(ok[2], true, ok[3]);
  };
  return c;
}

test('a REQ replaced under the same id gets only events of its new filter', async () => {
  const reader = await client();
  const writer = await client();
  const sk = generateSecretKey();
  const pk = getPublicKey(sk);
  await reader.req('s', { authors: [pk], kinds: [1] });
  await reader.req('s', { authors: [pk], kinds: [7] });  // replaces
  const old = sign(sk, { kind: 1, content: 'old filter only' });
  const fresh = sign(sk, { kind: 7, content: '+' });
  await writer.publish(old);
  await writer.publish(fresh);
  // delivered in order, so once `fresh` is here `old` would be too
  await waitFor(() => (reader.events.s ?? []).length >= 1, { what: 'live event' });
  assert.deepEqual(reader.events.s.map((e) => e.id), [fresh.id]);

  // replaced by a filter on a tag (filed under another part of the index), then closed
  await reader.req('s', { '#t': [`tag-${pk}`] });
  await writer.publish(sign(sk, { kind: 7, content: 'old kind again' }));
  const tagged = sign(sk, { kind: 1, tags: [['t', `tag-${pk}`]] });
  await writer.publish(tagged);
  await waitFor(() => reader.events.s.length >= 2, { what: 'tagged event' });
  assert.deepEqual(reader.events.s.map((e) => e.id), [fresh.id, tagged.id]);
  reader.send(['CLOSE', 's']);
  await reader.req('probe', { ids: ['0'.repeat(64)] });  // the CLOSE has been handled by now
  await writer.publish(sign(sk, { kind: 1, tags: [['t', `tag-${pk}`]] }));
  await writer.publish(sign(sk, { kind: 7 }));
  await reader.req('probe2', { ids: ['0'.repeat(64)] });
  const sentinel = sign(sk, { kind: 9 });
  await reader.req('after', { authors: [pk], kinds: [9] });
  await writer.publish(sentinel);
  await waitFor(() => (reader.events.after ?? []).length === 1, { what: 'sentinel' });
  assert.equal(reader.events.s.length, 2, 'nothing after CLOSE');
  reader.ws.close();
  writer.ws.close();
});

test('many subscriptions on many connections get exactly their events', async () => {
  const sk = generateSecretKey();
  const run = getPublicKey(sk).slice(0, 12);
  const conns = 8;
  const subs = 5;
  const clients = [];
  for (let i = 0; i < conns; i++) clients.push(await client());
  const tag = (i, j) => `${run}-${i}-${j}`;
  for (let i = 0; i < conns; i++)
    for (let j = 0; j < subs; j++) await clients[i].req(`s${j}`, { '#t': [tag(i, j)], kinds: [1] });
  // connection 0 replaces s0 by a kind filter; connection 1 closes
  await clients[0].req('s0', { kinds: [1], '#t': [tag(0, 'other')] });
  clients[1].ws.close();
  await new Promise((r) => clients[1].ws.once('close', r));

  const writer = await client();
  const want = {};  // "i/sj" -> ids
  for (let i = 0; i < conns; i++) {
    for (let j = 0; j < subs; j++) {
      const e = sign(sk, { tags: [['t', tag(i, j)]], content: `${i}/${j}` });
      await writer.publish(e);
      if (i !== 1 && !(i === 0 && j === 0)) (want[`${i}/s${j}`] ??= []).push(e.id);
    }
  }
  // one event for two subscriptions of different connections
  const both = sign(sk, { tags: [['t', tag(2, 3)], ['t', tag(4, 4)], ['t', tag(0, 'other')]], content: 'both' });
  await writer.publish(both);
  want['2/s3'].push(both.id);
  want['4/s4'].push(both.id);
  (want['0/s0'] ??= []).push(both.id);

  const got = () => {
    const g = {};
    clients.forEach((c, i) => { for (const [s, evs] of Object.entries(c.events)) g[`${i}/${s}`] = evs.map((e) => e.id); });
    return g;
  };
  const total = Object.values(want).reduce((n, v) => n + v.length, 0);
  await waitFor(() => Object.values(got()).reduce((n, v) => n + v.length, 0) >= total, { what: 'all live events' });
  assert.deepEqual(got(), want);
  for (const c of [...clients, writer]) c.ws.close();
});
