// NIP-86 management API end to end: `wsn admin` (our client) and nostr-tools' NIP-98
// tokens (a third party's signer) against the real relay on loopback. Every method, the
// refusals (not an admin, stale, wrong URL or method, bad payload hash, no header), the
// effects on connections opened before the change, and the state after a restart.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { getToken } from 'nostr-tools/nip98';
import { startRelay, waitFor } from './lib/relay.mjs';
import { makeKeyFile, runWsn, tempDir } from './tools_lib.mjs';

const RPC = 'application/nostr+json+rpc';
const now = () => Math.floor(Date.now() / 1000);

// A client connection that collects what the relay says.
async function connect(url) {
  const ws = new WebSocket(url);
  const got = [];
  ws.on('message', (m) => got.push(JSON.parse(m)));
  const closed = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
  await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
  return {
    ws, got, closed,
    async publish(ev) {  // the answer to this send (the same event may have been sent before)
      const from = got.length;
      ws.send(JSON.stringify(['EVENT', ev]));
      const mine = () => got.slice(from).find((m) => m[0] === 'OK' && m[1] === ev.id);
      await waitFor(() => mine(), { what: `OK for ${ev.id}` });
      return mine();
    },
    async req(filter) {
      const sub = `s${Math.random()}`;
      ws.send(JSON.stringify(['REQ', sub, filter]));
      await waitFor(() => got.some((m) => m[0] === 'EOSE' && m[1] === sub), { what: 'EOSE' });
      ws.send(JSON.stringify(['CLOSE', sub]));
      return got.filter((m) => m[0] === 'EVENT' && m[1] === sub).map((m) => m[2]);
    },
  };
}

const note = (sk, content = `n ${Math.random()}`, kind = 1) =>
  finalizeEvent({ kind, created_at: now(), tags: [], content }, sk);

describe('NIP-86 management API', () => {
  let dir, relay, admin, httpUrl, config;
  const start = async () => {
    relay = await startRelay({ dataDir: dir, args: ['--config', config] });
    httpUrl = `http://${relay.host}:${relay.port}/`;
  };
  const call = (method, ...params) => runWsn(['admin', relay.wsUrl, method, ...params, '--key', admin.path]);
  const result = async (method, ...params) => {
    const r = await call(method, ...params);
    assert.equal(r.code, 0, `${method}: ${r.stderr}`);
    return JSON.parse(r.lines[0]);
  };
  // A raw POST with an Authorization header made by nostr-tools (or by hand).
  const post = async (body, authorization) => {
    const res = await fetch(httpUrl, { method: 'POST', headers: { 'Content-Type': RPC, ...(authorization ? { Authorization: authorization } : {}) }, body });
    return { status: res.status, json: await res.json() };
  };
  const token = (sk, { url = httpUrl, method = 'POST', body, created_at = now(), payload } = {}) => {
    const tags = [['u', url], ['method', method]];
    tags.push(['payload', payload ?? createHash('sha256').update(body).digest('hex')]);
    const ev = finalizeEvent({ kind: 27235, created_at, tags, content: '' }, sk);
    return `Nostr ${Buffer.from(JSON.stringify(ev)).toString('base64')}`;
  };

  before(async () => {
    dir = tempDir();
    admin = makeKeyFile(dir, 'admin.key');
    config = join(dir, 'wsn.toml');
    writeFileSync(config, `[management]\nadmins = ["${admin.pubkey}"]\n`);
    await start();
  });
  after(async () => { await relay?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('supportedmethods lists every method', async () => {
    const methods = await result('supportedmethods');
    for (const m of ['supportedmethods', 'banpubkey', 'unbanpubkey', 'listbannedpubkeys', 'allowpubkey', 'unallowpubkey',
      'listallowedpubkeys', 'banevent', 'unbanevent', 'allowevent', 'unallowevent', 'listbannedevents', 'listallowedevents',
      'allowkind', 'disallowkind', 'listallowedkinds', 'listdisallowedkinds', 'blockip', 'unblockip', 'listblockedips',
      'changerelayname', 'changerelaydescription', 'changerelayicon']) assert.ok(methods.includes(m), m);
  });

  it('nostr-tools NIP-98 tokens are accepted', async () => {
    const body = JSON.stringify({ method: 'listbannedpubkeys', params: [] });
    const auth = await getToken(httpUrl, 'POST', (e) => finalizeEvent(e, admin.sk), true, JSON.parse(body));
    const r = await post(body, auth);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json.result, []);
  });

  it('refuses what is not a valid admin call, with a reason', async () => {
    const body = JSON.stringify({ method: 'banpubkey', params: ['00'.repeat(32)] });
    const cases = [
      [undefined, /no Authorization header/],
      [token(generateSecretKey(), { body }), /is not an admin/],
      [token(admin.sk, { body, created_at: now() - 600 }), /created_at is 600 s from/],
      [token(admin.sk, { body, url: 'http://example.com/' }), /u tag names another URL/],
      [token(admin.sk, { body, method: 'GET' }), /method tag is not POST/],
      [token(admin.sk, { body, payload: '00'.repeat(32) }), /payload tag is not the SHA-256/],
      ['Nostr !!!', /not base64/],
    ];
    for (const [auth, why] of cases) {
      const r = await post(body, auth);
      assert.equal(r.status, 401);
      assert.match(r.json.error, why);
    }
    assert.deepEqual(await result('listbannedpubkeys'), []);  // none of them took effect
    const bad = await call('banpubkey', 'not-hex');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /64 lowercase hex/);
    assert.match((await call('nosuchmethod')).stderr, /unknown method: nosuchmethod/);
  });

  it('pubkeys: a ban holds on a connection opened before it; allow lists admit only their keys', async () => {
    const alice = generateSecretKey(), bob = generateSecretKey();
    const c = await connect(relay.wsUrl);
    assert.equal((await c.publish(note(alice)))[2], true);
    assert.equal(await result('banpubkey', getPublicKey(alice), 'spam'), true);
    const refused = await c.publish(note(alice));
    assert.equal(refused[2], false);
    assert.match(refused[3], /^blocked: /);
    assert.deepEqual(await result('listbannedpubkeys'), [{ pubkey: getPublicKey(alice), reason: 'spam' }]);
    assert.equal(await result('unbanpubkey', getPublicKey(alice)), true);
    assert.equal((await c.publish(note(alice)))[2], true);
    assert.equal(await result('allowpubkey', getPublicKey(bob)), true);
    assert.deepEqual(await result('listallowedpubkeys'), [{ pubkey: getPublicKey(bob) }]);
    assert.equal((await c.publish(note(alice)))[2], false);  // the allow list now names only bob
    assert.equal((await c.publish(note(bob)))[2], true);
    assert.equal(await result('unallowpubkey', getPublicKey(bob)), true);
    assert.equal((await c.publish(note(alice)))[2], true);
    c.ws.close();
  });

  it('events: a banned event is deleted and never stored again; an allowed one passes the lists', async () => {
    const carol = generateSecretKey();
    const c = await connect(relay.wsUrl);
    const ev = note(carol);
    assert.equal((await c.publish(ev))[2], true);
    assert.equal((await c.req({ ids: [ev.id] })).length, 1);
    assert.equal(await result('banevent', ev.id, 'illegal'), true);
    assert.deepEqual(await c.req({ ids: [ev.id] }), []);
    assert.match((await c.publish(ev))[3], /^blocked: this event is banned/);
    assert.deepEqual(await result('listbannedevents'), [{ id: ev.id, reason: 'illegal' }]);
    assert.equal(await result('unbanevent', ev.id), true);
    assert.equal((await c.publish(ev))[2], true);
    assert.equal(await result('disallowkind', '7'), true);
    const reaction = note(carol, '+', 7);
    assert.match((await c.publish(reaction))[3], /^blocked: kind 7/);
    assert.equal(await result('allowevent', reaction.id), true);
    assert.deepEqual(await result('listallowedevents'), [{ id: reaction.id }]);
    assert.equal((await c.publish(reaction))[2], true);
    assert.equal(await result('unallowevent', reaction.id), true);
    c.ws.close();
  });

  it('kinds: allow and disallow lists', async () => {
    const c = await connect(relay.wsUrl);
    const dave = generateSecretKey();
    assert.deepEqual(await result('listdisallowedkinds'), [7]);
    assert.equal(await result('allowkind', '1'), true);
    assert.deepEqual(await result('listallowedkinds'), [1]);
    assert.match((await c.publish(note(dave, 'x', 30023)))[3], /^blocked: kind 30023/);
    assert.equal((await c.publish(note(dave)))[2], true);
    assert.equal(await result('disallowkind', '1'), true);  // moves it from allowed to disallowed
    assert.deepEqual(await result('listallowedkinds'), []);
    assert.deepEqual(await result('listdisallowedkinds'), [1, 7]);
    assert.equal((await c.publish(note(dave)))[2], false);
    c.ws.close();
  });

  it('IPs: a block closes the connections of that address and refuses new ones', async () => {
    const c = await connect(relay.wsUrl);
    assert.equal(await result('blockip', '10.0.0.0/8', 'a network'), true);
    assert.match((await call('blockip', 'not-an-ip')).stderr, /not an IP address/);
    assert.equal(await result('blockip', '127.0.0.1'), true);
    assert.deepEqual(await result('listblockedips'), [{ ip: '10.0.0.0/8', reason: 'a network' }, { ip: '127.0.0.1' }]);
    c.ws.send(JSON.stringify(['REQ', 'x', { limit: 1 }]));
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /blocked/);
    const fresh = new WebSocket(relay.wsUrl);
    const code = await new Promise((r) => fresh.on('close', (cd) => r(cd)));
    assert.equal(code, 1008);
    assert.equal(await result('unblockip', '127.0.0.1'), true);
    const again = await connect(relay.wsUrl);
    assert.equal((await again.req({ limit: 1 })).length >= 0, true);
    again.ws.close();
  });

  it('name, description and icon change NIP-11 at once and everything survives a restart', async () => {
    assert.equal(await result('changerelayname', 'Renamed relay'), true);
    assert.equal(await result('changerelaydescription', 'Managed over NIP-86'), true);
    assert.equal(await result('changerelayicon', 'https://example.com/icon.png'), true);
    const info = async () => (await fetch(httpUrl, { headers: { Accept: 'application/nostr+json' } })).json();
    assert.equal((await info()).name, 'Renamed relay');
    await relay.stop();
    await start();
    const doc = await info();
    assert.equal(doc.name, 'Renamed relay');
    assert.equal(doc.description, 'Managed over NIP-86');
    assert.equal(doc.icon, 'https://example.com/icon.png');
    assert.deepEqual(await result('listdisallowedkinds'), [1, 7]);
    assert.deepEqual(await result('listblockedips'), [{ ip: '10.0.0.0/8', reason: 'a network' }]);
  });

  it('is off without admins', async () => {
    const other = await startRelay({});
    const res = await fetch(`http://${other.host}:${other.port}/`, { method: 'POST', headers: { 'Content-Type': RPC }, body: '{}' });
    assert.equal(res.status, 404);
    await other.stop();
    other.cleanup();
  });
});
