// Private kinds (default 4 and 1059): a DM is served to its author and its recipient
// only, over wsn with the client key and over ws after NIP-42 AUTH, and to nobody else,
// through no filter ({} included), live feed or COUNT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { startRelay, waitFor } from './lib/relay.mjs';
import { runWsn, tempDir, makeKeyFile } from './tools_lib.mjs';

let relay, dir, alice, bob, eve, dm, wrap, note;
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  dir = tempDir();
  alice = makeKeyFile(dir, 'alice.key');
  bob = makeKeyFile(dir, 'bob.key');
  eve = makeKeyFile(dir, 'eve.key');
  dm = finalizeEvent({ kind: 4, created_at: now() - 10, tags: [['p', bob.pubkey]], content: 'secret?iv=x' }, alice.sk);
  wrap = finalizeEvent({ kind: 1059, created_at: now() - 9, tags: [['p', bob.pubkey]], content: 'wrapped' }, generateSecretKey());
  note = finalizeEvent({ kind: 1, created_at: now() - 8, tags: [['p', bob.pubkey]], content: 'public' }, alice.sk);
  const imp = await runWsn(['import', '-', '--data', dir], { input: [dm, wrap, note].map((e) => JSON.stringify(e)).join('\n') + '\n' });
  assert.equal(imp.code, 0, imp.stderr);
  relay = await startRelay({ dataDir: dir });
});
after(async () => { await relay.stop(); rmSync(dir, { recursive: true, force: true }); });

const ids = (events) => events.map((e) => e.id).sort();

async function wsnReq(key, args) {
  const r = await runWsn(['req', relay.wsnUrl, ...(key ? ['--key', key.path] : []), ...args]);
  return r;
}

test('over wsn, the client key reads its own DMs and nobody else does', async () => {
  const forBob = await wsnReq(bob, ['--kind', '4', '--kind', '1059']);
  assert.equal(forBob.code, 0, forBob.stderr);
  assert.deepEqual(ids(forBob.json()), ids([dm, wrap]));
  const forAlice = await wsnReq(alice, ['--kind', '4']);
  assert.deepEqual(ids(forAlice.json()), ids([dm]));
  const forEve = await wsnReq(eve, ['--kind', '4', '--kind', '1059']);
  assert.deepEqual(forEve.json(), []);
  // broad filters: the public note only
  for (const args of [[], ['--tag', `p=${bob.pubkey}`], ['--author', alice.pubkey]]) {
    const r = await wsnReq(eve, args);
    assert.deepEqual(ids(r.json()), ids([note]), args.join(' '));
  }
  // without --key a wsn client presents a fresh key: authenticated as nobody's recipient
  const anon = await wsnReq(null, ['--kind', '4']);
  assert.equal(anon.code, 0, anon.stderr);
  assert.deepEqual(anon.json(), []);
});

test('COUNT counts only what the connection may read', async () => {
  const count = async (key, args) => {
    const r = await runWsn(['count', relay.wsnUrl, ...(key ? ['--key', key.path] : []), ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.json()[0].count;
  };
  assert.equal(await count(bob, []), 3);
  assert.equal(await count(alice, []), 2);   // her DM and note, not Bob's gift wrap
  assert.equal(await count(eve, []), 1);
  assert.equal(await count(null, []), 1);
  assert.equal(await count(eve, ['--tag', `p=${bob.pubkey}`]), 1);
  assert.equal(await count(bob, ['--tag', `p=${bob.pubkey}`]), 3);
  assert.equal(await count(null, ['--kind', '1059']), 0);
  assert.equal(await count(bob, ['--kind', '1059']), 1);
});

// A raw ws connection with its NIP-42 challenge.
async function connect() {
  const ws = new WebSocket(relay.wsUrl);
  const msgs = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  await waitFor(() => msgs.some((m) => m[0] === 'AUTH'), { what: 'challenge' });
  const challenge = msgs.find((m) => m[0] === 'AUTH')[1];
  const auth = async (sk) => {
    const e = finalizeEvent({ kind: 22242, created_at: now(), content: '', tags: [['relay', relay.wsUrl], ['challenge', challenge]] }, sk);
    ws.send(JSON.stringify(['AUTH', e]));
    await waitFor(() => msgs.some((m) => m[0] === 'OK' && m[1] === e.id), { what: 'AUTH OK' });
  };
  const req = async (sub, filter) => {
    ws.send(JSON.stringify(['REQ', sub, filter]));
    await waitFor(() => msgs.some((m) => (m[0] === 'EOSE' || m[0] === 'CLOSED') && m[1] === sub), { what: `EOSE ${sub}` });
    return msgs.filter((m) => m[1] === sub);
  };
  return { ws, msgs, auth, req };
}

test('over ws, a DM is refused before AUTH, served after, and live only to its readers', async () => {
  const b = await connect();
  const closed = await b.req('dm1', { kinds: [4] });
  assert.equal(closed[0][0], 'CLOSED');
  assert.match(closed[0][2], /^auth-required: /);
  const before = await b.req('all1', {});
  assert.deepEqual(before.filter((m) => m[0] === 'EVENT').map((m) => m[2].id), [note.id]);
  await b.auth(bob.sk);
  const after = await b.req('dm2', { kinds: [4, 1059] });
  assert.deepEqual(ids(after.filter((m) => m[0] === 'EVENT').map((m) => m[2])), ids([dm, wrap]));

  // live: Bob (authenticated) and Eve (authenticated, another key) both subscribe to {}
  const e = await connect();
  await e.auth(eve.sk);
  await e.req('live', { since: now() });
  await b.req('live', { since: now() });
  const fresh = finalizeEvent({ kind: 4, created_at: now(), tags: [['p', bob.pubkey]], content: 'new?iv=y' }, alice.sk);
  const a = await connect();
  a.ws.send(JSON.stringify(['EVENT', fresh]));
  await waitFor(() => a.msgs.some((m) => m[0] === 'OK' && m[1] === fresh.id), { what: 'OK' });
  await waitFor(() => b.msgs.some((m) => m[0] === 'EVENT' && m[1] === 'live' && m[2].id === fresh.id), { what: 'live DM to Bob' });
  const marker = finalizeEvent({ kind: 1, created_at: now(), tags: [], content: 'after' }, alice.sk);
  a.ws.send(JSON.stringify(['EVENT', marker]));
  await waitFor(() => e.msgs.some((m) => m[0] === 'EVENT' && m[1] === 'live' && m[2].id === marker.id), { what: 'marker to Eve' });
  assert.ok(!e.msgs.some((m) => m[0] === 'EVENT' && m[2].id === fresh.id), 'Eve never sees the DM');
  for (const c of [a, b, e]) c.ws.close();
});
