// nostr-tools (a real third-party client) against the real `wsn relay` over ws://.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { startRelay, waitFor, sleep } from './lib/relay.mjs';

useWebSocketImplementation(WebSocket);

let relay;
before(async () => { relay = await startRelay(); });
after(async () => { await relay.stop(); relay.cleanup(); });

const now = () => Math.floor(Date.now() / 1000);
const sign = (sk, fields) =>
  finalizeEvent({ created_at: now(), tags: [], content: '', kind: 1, ...fields }, sk);

async function connect() {
  const r = await Relay.connect(relay.wsUrl);
  r.onnotice = () => {};
  return r;
}

// Stored events for filters, collected until EOSE.
function query(r, filters) {
  return new Promise((resolve, reject) => {
    const got = [];
    const sub = r.subscribe(filters, {
      onevent: (e) => got.push(e),
      oneose: () => { sub.close(); resolve(got); },
      onclose: (reason) => { if (reason && !reason.includes('closed by caller')) reject(new Error(reason)); },
    });
  });
}

test('publish, then the event is served from storage newest first, then EOSE', async () => {
  const r = await connect();
  const sk = generateSecretKey();
  const a = sign(sk, { content: 'first', created_at: now() - 10 });
  const b = sign(sk, { content: 'second', created_at: now() - 5 });
  assert.equal(await r.publish(a), '');
  assert.equal(await r.publish(b), '');
  const got = await query(r, [{ authors: [getPublicKey(sk)] }]);
  assert.deepEqual(got.map((e) => e.content), ['second', 'first']);
  assert.deepEqual(JSON.parse(JSON.stringify(got[0])), JSON.parse(JSON.stringify(b)));  // byte-exact fields
  // publishing the same event again is a duplicate, accepted
  assert.match(await r.publish(a), /^duplicate:/);
  r.close();
});

test('live delivery after EOSE, and nothing after CLOSE', async () => {
  const writer = await connect();
  const reader = await connect();
  const sk = generateSecretKey();
  const live = [];
  let eose = false;
  const sub = reader.subscribe([{ authors: [getPublicKey(sk)], kinds: [1] }], {
    onevent: (e) => live.push(e),
    oneose: () => { eose = true; },
  });
  await waitFor(() => eose, { what: 'EOSE' });
  const e1 = sign(sk, { content: 'live one' });
  await writer.publish(e1);
  await waitFor(() => live.length === 1, { what: 'live event' });
  assert.equal(live[0].id, e1.id);
  // a non-matching kind is not delivered
  await writer.publish(sign(sk, { kind: 7, content: '+' }));
  sub.close();
  await sleep(100);
  await writer.publish(sign(sk, { content: 'after close' }));
  await sleep(300);
  assert.equal(live.length, 1);
  writer.close();
  reader.close();
});

test('ephemeral events are delivered live and never stored', async () => {
  const r = await connect();
  const sk = generateSecretKey();
  const live = [];
  let eose = false;
  r.subscribe([{ authors: [getPublicKey(sk)] }], { onevent: (e) => live.push(e), oneose: () => { eose = true; } });
  await waitFor(() => eose);
  const e = sign(sk, { kind: 20001, content: 'ephemeral' });
  await r.publish(e);
  await waitFor(() => live.length === 1, { what: 'ephemeral event' });
  const stored = await query(r, [{ authors: [getPublicKey(sk)] }]);
  assert.equal(stored.length, 0);
  r.close();
});

test('replaceable events keep only the newest, also when an older one arrives later', async () => {
  const r = await connect();
  const sk = generateSecretKey();
  const t = now();
  const older = sign(sk, { kind: 0, content: '{"name":"old"}', created_at: t - 100 });
  const newer = sign(sk, { kind: 0, content: '{"name":"new"}', created_at: t - 50 });
  await r.publish(newer);
  await assert.rejects(r.publish(older));  // a newer version is already stored
  let got = await query(r, [{ authors: [getPublicKey(sk)], kinds: [0] }]);
  assert.deepEqual(got.map((e) => e.id), [newer.id]);
  const newest = sign(sk, { kind: 0, content: '{"name":"newest"}', created_at: t });
  await r.publish(newest);
  got = await query(r, [{ authors: [getPublicKey(sk)], kinds: [0] }]);
  assert.deepEqual(got.map((e) => e.id), [newest.id]);
  r.close();
});

test('addressable events are replaced per d tag', async () => {
  const r = await connect();
  const sk = generateSecretKey();
  const t = now();
  const a1 = sign(sk, { kind: 30023, tags: [['d', 'a']], content: 'a v1', created_at: t - 10 });
  const b1 = sign(sk, { kind: 30023, tags: [['d', 'b']], content: 'b v1', created_at: t - 10 });
  const a2 = sign(sk, { kind: 30023, tags: [['d', 'a']], content: 'a v2', created_at: t - 5 });
  for (const e of [a1, b1, a2]) await r.publish(e);
  const got = await query(r, [{ authors: [getPublicKey(sk)], kinds: [30023] }]);
  assert.deepEqual(got.map((e) => e.content).sort(), ['a v2', 'b v1']);
  const onlyA = await query(r, [{ kinds: [30023], '#d': ['a'], authors: [getPublicKey(sk)] }]);
  assert.deepEqual(onlyA.map((e) => e.id), [a2.id]);
  r.close();
});

test('NIP-09 deletion by the author removes the event; by someone else it does not', async () => {
  const r = await connect();
  const alice = generateSecretKey();
  const mallory = generateSecretKey();
  const e = sign(alice, { content: 'to delete' });
  const keep = sign(alice, { content: 'to keep' });
  await r.publish(e);
  await r.publish(keep);
  await r.publish(sign(mallory, { kind: 5, tags: [['e', keep.id]] }));
  await r.publish(sign(alice, { kind: 5, tags: [['e', e.id]] }));
  const got = await query(r, [{ authors: [getPublicKey(alice)], kinds: [1] }]);
  assert.deepEqual(got.map((x) => x.id), [keep.id]);
  await assert.rejects(r.publish(e), /deleted/);  // cannot be re-added
  r.close();
});

test('NIP-40: expired events are refused, and stop being served when they expire', async () => {
  const r = await connect();
  const sk = generateSecretKey();
  await assert.rejects(r.publish(sign(sk, { tags: [['expiration', String(now() - 1)]] })), /^Error: invalid:/);
  const soon = sign(sk, { content: 'short-lived', tags: [['expiration', String(now() + 2)]] });
  await r.publish(soon);
  assert.equal((await query(r, [{ ids: [soon.id] }])).length, 1);
  await sleep(3200);
  assert.equal((await query(r, [{ ids: [soon.id] }])).length, 0);
  r.close();
});

test('NIP-45 COUNT', async () => {
  const r = await connect();
  const sk = generateSecretKey();
  for (let i = 0; i < 3; i++) await r.publish(sign(sk, { content: `n${i}`, created_at: now() - i }));
  assert.equal(await r.count([{ authors: [getPublicKey(sk)] }]), 3);
  assert.equal(await r.count([{ authors: [getPublicKey(sk)], kinds: [2] }]), 0);
  r.close();
});

test('NIP-42 AUTH, and NIP-70 protected events only from their authenticated author', async () => {
  const r = await connect();
  const sk = generateSecretKey();
  await waitFor(() => r.challenge, { what: 'AUTH challenge' });
  const protectedEvent = sign(sk, { content: 'protected', tags: [['-']] });
  await assert.rejects(r.publish(protectedEvent), /auth-required:/);
  await r.auth((evt) => finalizeEvent(evt, sk));
  assert.equal(await r.publish(protectedEvent), '');
  // authenticated, but as someone else than the author
  const other = sign(generateSecretKey(), { content: 'not yours', tags: [['-']] });
  await assert.rejects(r.publish(other), /auth-required:/);
  r.close();
});

test('bad input gets OK false, CLOSED or NOTICE with a reason, and the relay keeps serving', async () => {
  const ws = new WebSocket(relay.wsUrl);
  const msgs = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  await new Promise((res) => ws.on('open', res));
  const sk = generateSecretKey();
  const good = sign(sk, { content: 'x' });
  const badSig = { ...good, sig: good.sig.replace(/^./, good.sig[0] === '0' ? '1' : '0') };
  const badId = { ...good, content: 'tampered' };
  ws.send('["EVENT", {not json');
  ws.send(JSON.stringify(['EVENT', badSig]));
  ws.send(JSON.stringify(['EVENT', badId]));
  ws.send(JSON.stringify(['REQ', 'x'.repeat(65), {}]));
  ws.send(JSON.stringify(['REQ', 'many', ...Array.from({ length: 30 }, () => ({ kinds: [1] }))]));
  ws.send('"just a string"');
  await waitFor(() => msgs.filter((m) => m[0] !== 'AUTH').length >= 6, { what: 'six answers' });
  const answers = msgs.filter((m) => m[0] !== 'AUTH');
  assert.equal(answers[0][0], 'NOTICE');
  assert.match(answers[0][1], /^invalid: /);
  assert.deepEqual(answers[1].slice(0, 3), ['OK', good.id, false]);
  assert.match(answers[1][3], /^invalid: bad signature/);
  assert.deepEqual(answers[2].slice(0, 3), ['OK', good.id, false]);
  assert.match(answers[2][3], /^invalid: id does not match/);
  assert.equal(answers[3][0], 'NOTICE');  // a 65-character subscription id cannot be echoed back
  assert.deepEqual(answers[4].slice(0, 2), ['CLOSED', 'many']);
  assert.equal(answers[5][0], 'NOTICE');
  // still serving
  const r = await connect();
  assert.equal(await r.publish(sign(sk, { content: 'still fine' })), '');
  r.close();
  ws.close();
});

test('too many subscriptions on one connection are CLOSED with a reason', async () => {
  const ws = new WebSocket(relay.wsUrl);
  const closed = [];
  ws.on('message', (d) => { const m = JSON.parse(d.toString()); if (m[0] === 'CLOSED') closed.push(m); });
  await new Promise((res) => ws.on('open', res));
  for (let i = 0; i < 60; i++) ws.send(JSON.stringify(['REQ', `s${i}`, { kinds: [1], limit: 1 }]));
  await waitFor(() => closed.length === 10, { what: 'ten CLOSED' });
  assert.match(closed[0][2], /too many subscriptions/);
  ws.close();
});
