// Three relay frontends on one PostgreSQL (scripts/pg.sh), sharing one relay key, as
// docs/scale-out.md deploys them: live delivery across frontends over ws (nostr-tools)
// and wsn (`wsn req --stream`), ephemeral events crossing too, one winner for a
// replaceable event written on two frontends at once, no acknowledged event lost when
// a frontend is killed, and the database stopped and restarted under load.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { startRelay, waitFor, sleep, WSN_BIN } from './lib/relay.mjs';
import { startPg } from './lib/pg.mjs';

useWebSocketImplementation(WebSocket);

let pg;
let dir;
const frontends = [];
const now = () => Math.floor(Date.now() / 1000);
const sign = (sk, fields) => finalizeEvent({ created_at: now(), tags: [], content: '', kind: 1, ...fields }, sk);

async function frontend(name) {
  const f = await startRelay({
    dataDir: join(dir, name),
    args: ['--store', pg.url, '--key', join(dir, 'relay.key'), '--config', join(dir, 'cluster.toml')],
  });
  frontends.push(f);
  return f;
}

before(async () => {
  pg = startPg();
  dir = mkdtempSync('/tmp/wsn-e2e-cluster-');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'cluster.toml'),
    '[rate_limits]\nevents_per_ip = { per_second = 0, burst = 0 }\nevents_per_pubkey = { per_second = 0, burst = 0 }\n' +
    'reqs_per_ip = { per_second = 0, burst = 0 }\n');
  for (const n of ['a', 'b', 'c']) await frontend(n);
});

after(async () => {
  for (const f of frontends) await f.stop();
  pg.destroy();
  rmSync(dir, { recursive: true, force: true });
});

// A raw ws client: every message kept.
async function client(relay) {
  const ws = new WebSocket(relay.wsUrl);
  const c = { ws, msgs: [] };
  ws.on('message', (d) => c.msgs.push(JSON.parse(d.toString())));
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  c.send = (m) => ws.send(JSON.stringify(m));
  c.ok = (id) => c.msgs.find((m) => m[0] === 'OK' && m[1] === id);
  c.events = (sub) => c.msgs.filter((m) => m[0] === 'EVENT' && m[1] === sub).map((m) => m[2]);
  c.closed = (sub) => c.msgs.find((m) => m[0] === 'CLOSED' && m[1] === sub);
  c.eose = (sub) => c.msgs.some((m) => m[0] === 'EOSE' && m[1] === sub);
  return c;
}

// `wsn req URI --stream`: the project's own wsn client as a live subscriber.
function wsnStream(uri, args) {
  const p = spawn(WSN_BIN, ['req', uri, ...args, '--stream'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const s = { p, out: '', err: '' };
  p.stdout.on('data', (d) => { s.out += d; });
  p.stderr.on('data', (d) => { s.err += d; });
  s.ids = () => s.out.split('\n').filter(Boolean).map((l) => JSON.parse(l).id);
  return s;
}

test('all frontends share the relay key', () => {
  const [a, b, c] = frontends;
  assert.equal(a.npub, b.npub);
  assert.equal(b.npub, c.npub);
});

test('an event published to A reaches live subscribers on B (ws, nostr-tools) and C (wsn); C stores it too', async () => {
  const [a, b, c] = frontends;
  const sk = generateSecretKey();
  const pk = getPublicKey(sk);
  const onB = await Relay.connect(b.wsUrl);
  const gotB = [];
  await new Promise((res) => onB.subscribe([{ authors: [pk] }], { onevent: (e) => gotB.push(e), oneose: res }));
  const onC = wsnStream(c.wsnUrl, ['--author', pk]);
  await waitFor(() => onC.err.includes('EOSE'), { what: 'wsn subscriber on C' });

  const pubA = await Relay.connect(a.wsUrl);
  const note = sign(sk, { content: 'from A' });
  await pubA.publish(note);
  const ephemeral = sign(sk, { kind: 20001, content: 'ephemeral from A' });
  await pubA.publish(ephemeral);
  await waitFor(() => gotB.length === 2, { what: 'both events live on B' });
  await waitFor(() => onC.ids().length === 2, { what: 'both events live on C over wsn' });
  // Stored and ephemeral events take different paths (read after the commit, or carried in
  // the notification), so either may come first.
  assert.deepEqual(gotB.map((e) => e.id).sort(), [note.id, ephemeral.id].sort());
  assert.deepEqual(onC.ids().sort(), [note.id, ephemeral.id].sort());

  const reqC = await client(c);
  reqC.send(['REQ', 'r', { authors: [pk] }]);
  await waitFor(() => reqC.eose('r'), { what: 'EOSE on C' });
  assert.deepEqual(reqC.events('r').map((e) => e.id), [note.id]);  // stored; the ephemeral one is not
  onC.p.kill();
  onB.close();
  pubA.close();
  reqC.ws.close();
});

test('a replaceable event written on A and B at the same moment leaves one winner everywhere', async () => {
  const [a, b, c] = frontends;
  const sk = generateSecretKey();
  const pk = getPublicKey(sk);
  const t = now();
  const older = sign(sk, { kind: 0, created_at: t - 1, content: '{"name":"older"}' });
  const newer = sign(sk, { kind: 0, created_at: t, content: '{"name":"newer"}' });
  const [ca, cb] = [await client(a), await client(b)];
  ca.send(['EVENT', older]);
  cb.send(['EVENT', newer]);
  await waitFor(() => ca.ok(older.id) && cb.ok(newer.id), { what: 'both OKs' });
  for (const f of [a, b, c]) {
    const r = await client(f);
    r.send(['REQ', 'p', { authors: [pk], kinds: [0] }]);
    await waitFor(() => r.eose('p'), { what: 'EOSE' });
    assert.deepEqual(r.events('p').map((e) => e.id), [newer.id]);
    r.ws.close();
  }
  ca.ws.close();
  cb.ws.close();
});

test('a frontend killed with SIGKILL mid-publish loses no event it acknowledged', async () => {
  const [, b] = frontends;
  const victim = await frontend('victim');
  const sk = generateSecretKey();
  const pk = getPublicKey(sk);
  const c = await client(victim);
  const sent = [];
  for (let i = 0; i < 400; ++i) {
    const e = sign(sk, { content: `n${i}` });
    sent.push(e);
    c.send(['EVENT', e]);
    if (i === 200) await waitFor(() => c.msgs.some((m) => m[0] === 'OK'), { what: 'first OKs' });
  }
  await victim.stop('SIGKILL');
  const acked = sent.filter((e) => c.ok(e.id)?.[2] === true).map((e) => e.id);
  assert.ok(acked.length > 0, 'some events were acknowledged before the kill');
  const r = await client(b);
  r.send(['REQ', 'k', { authors: [pk], limit: 500 }]);
  await waitFor(() => r.eose('k'), { what: 'EOSE' });
  const stored = new Set(r.events('k').map((e) => e.id));
  for (const id of acked) assert.ok(stored.has(id), `acknowledged ${id} is stored`);
  r.ws.close();
});

test('PostgreSQL stopped under load: reasons meanwhile, connections kept, recovery without a restart', async () => {
  const [a, , c] = frontends;
  const sk = generateSecretKey();
  const pk = getPublicKey(sk);
  const w = await client(a);
  const live = await client(c);
  live.send(['REQ', 'live', { authors: [pk] }]);
  await waitFor(() => live.eose('live'), { what: 'EOSE' });

  pg.stop();
  const down = sign(sk, { content: 'while the database is down' });
  w.send(['EVENT', down]);
  await waitFor(() => w.ok(down.id), { what: 'OK while down' });
  assert.deepEqual(w.ok(down.id).slice(2), [false, 'error: database unavailable']);
  w.send(['REQ', 'q', { authors: [pk] }]);
  await waitFor(() => w.closed('q'), { what: 'CLOSED while down' });
  assert.equal(w.closed('q')[2], 'error: database unavailable');
  w.send(['COUNT', 'n', { authors: [pk] }]);
  await waitFor(() => w.closed('n'), { what: 'CLOSED for COUNT while down' });

  pg.restart();
  assert.equal(w.ws.readyState, WebSocket.OPEN, 'the client stayed connected');
  assert.equal(live.ws.readyState, WebSocket.OPEN);
  const back = sign(sk, { content: 'after the restart' });
  let accepted = false;
  for (let i = 0; i < 50 && !accepted; ++i) {  // the first writes may still find the old connection gone
    const e = i === 0 ? back : sign(sk, { content: `after the restart ${i}` });
    w.send(['EVENT', e]);
    await waitFor(() => w.ok(e.id), { what: 'OK after restart' });
    accepted = w.ok(e.id)[2] === true;
    if (!accepted) await sleep(200);
  }
  assert.ok(accepted, 'writes succeed again');
  await waitFor(() => live.events('live').length > 0, { what: 'live delivery again, on another frontend' });
  w.ws.close();
  live.ws.close();
});

test('a frontend whose database is unreachable at start says so and exits 1', async () => {
  const p = spawn(WSN_BIN, ['relay', '--data', join(dir, 'nodb'), '--listen', '127.0.0.1:0',
    '--store', 'postgresql://wsn:secret@/wsn?host=/tmp/wsn-no-such-server&port=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((r) => p.on('exit', r));
  assert.equal(code, 1);
  assert.match(err, /database unavailable: cannot connect to postgresql:\/\/wsn:\*\*\*@/);
  assert.doesNotMatch(err, /secret/);
});
