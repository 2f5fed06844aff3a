// Finding a relay by its key alone (docs/discovery.md): a directory relay (a second
// `wsn relay`, over ws), relay R announcing to it, clients that resolve wsn://npub1…,
// follow R when it moves, fall back from its old address, refuse an impostor and ignore
// forged, stale and expired announcements; `wsn proxy` reaching R by key for nostr-tools.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { startRelay, waitFor } from './lib/relay.mjs';
import { metrics } from './lib/hostile.mjs';
import { runWsn, startWsn, tempDir, makeKeyFile } from './tools_lib.mjs';

useWebSocketImplementation(WebSocket);

const now = () => Math.floor(Date.now() / 1000);
let dir, dirRelay, rKey, r, rData, note, keyOnly;
const started = [];

// A client environment of its own: its cache under its own state folder, no config file.
let envCount = 0;
function clientEnv() {
  const home = join(dir, `client${++envCount}`);
  mkdirSync(home, { recursive: true });
  return { ...process.env, XDG_STATE_HOME: join(home, 'state'), XDG_CONFIG_HOME: join(home, 'config') };
}
const cacheOf = (env) => JSON.parse(readFileSync(join(env.XDG_STATE_HOME, 'wsn', 'resolve-cache.json'), 'utf8'));
const reqCount = async () => (await metrics(dirRelay))['wsn_messages_total{verb="REQ"}'];

async function startR(host, port = 0) {
  const relay = await startRelay({ dataDir: rData, listen: [`${host}:${port}`], args: ['--key', rKey.path] });
  started.push(relay);
  return relay;
}

// `wsn req` for R's note; true when it was read.
async function readsNote(address, env, extra = []) {
  const res = await runWsn(['req', address, '--id', note.id, ...extra], { env });
  return { ...res, ok: res.code === 0 && res.lines.some((l) => JSON.parse(l).id === note.id) };
}

async function announce(addresses, { createdAt = now(), expiry, key = rKey.path, directory = dirRelay.wsUrl } = {}) {
  const args = ['announce', '--key', key, '--created-at', String(createdAt), ...addresses.flatMap((a) => ['--address', a])];
  if (expiry) args.push('--expiry', String(expiry));
  if (directory) args.push('--directory', directory); else args.push('--print');
  const res = await runWsn(args, { env: clientEnv() });
  assert.equal(res.code, 0, res.stderr);
  return res;
}

before(async () => {
  dir = tempDir();
  rData = join(dir, 'r-data');
  mkdirSync(rData);
  rKey = makeKeyFile(dir, 'r.key');
  dirRelay = await startRelay();
  started.push(dirRelay);
  r = await startR('127.0.0.2');
  keyOnly = `wsn://${r.npub}`;
  const pub = await runWsn(['event', r.wsnUrl, '--content', 'note on R'], { env: clientEnv() });
  assert.equal(pub.code, 0, pub.stderr);
  note = JSON.parse(pub.lines[0]);
});
after(async () => {
  for (const s of started) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('wsn announce publishes; wsn resolve shows the addresses and the directory that answered', async () => {
  const res = await announce([r.wsnUrl], { createdAt: now() - 100 });
  assert.equal(res.json()[0].accepted, true);
  const rs = await runWsn(['resolve', keyOnly, '--directory', dirRelay.wsUrl, '--json'], { env: clientEnv() });
  assert.equal(rs.code, 0, rs.stderr);
  const out = JSON.parse(rs.lines[0]);
  assert.deepEqual(out.addresses, [{ uri: r.wsnUrl, network: 'clearnet', usable: true }]);
  assert.deepEqual(out.sources, [dirRelay.wsUrl]);
  assert.equal(out.event.kind, 11111);
});

test('key-only: a cold cache asks the directory once, a warm one not at all', async () => {
  const env = clientEnv();
  const before = await reqCount();
  const cold = await readsNote(keyOnly, env, ['--directory', dirRelay.wsUrl]);
  assert.ok(cold.ok, cold.stderr);
  assert.equal(await reqCount(), before + 1);
  assert.equal(cacheOf(env).relays[0].address, r.wsnUrl);
  const warm = await readsNote(keyOnly, env, ['--directory', dirRelay.wsUrl]);
  assert.ok(warm.ok, warm.stderr);
  assert.equal(await reqCount(), before + 1, 'the cached address needs no directory');
  const noDirectory = await readsNote(keyOnly, env);
  assert.ok(noDirectory.ok, noDirectory.stderr);
});

test('the client config lists default directories; a bad one is a usage error', async () => {
  const env = clientEnv();
  mkdirSync(join(env.XDG_CONFIG_HOME, 'wsn'), { recursive: true });
  const config = join(env.XDG_CONFIG_HOME, 'wsn', 'client.toml');
  writeFileSync(config, `[discovery]\ndirectories = ["${dirRelay.wsUrl}"]\naddress_timeout = 2\n`);
  const res = await readsNote(keyOnly, env);
  assert.ok(res.ok, res.stderr);
  writeFileSync(config, '[discovery]\ndirectory = ["ws://127.0.0.1:1"]\n');
  const bad = await runWsn(['req', keyOnly, '--kind', '1'], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /client config: unknown key 'discovery.directory' in .*client.toml \(line 2\)/);
});

test('without a directory or a cache, a key-only address is a clear error', async () => {
  const res = await runWsn(['req', keyOnly, '--kind', '1'], { env: clientEnv() });
  assert.equal(res.code, 3);
  assert.match(res.stderr, /has no host: a key-only address is found through the relay's announcement/);
});

test('R moves; the cached client follows it, the old address falls back; an impostor is passed over', async () => {
  const stale = clientEnv();
  assert.ok((await readsNote(keyOnly, stale, ['--directory', dirRelay.wsUrl])).ok);
  const old = r.wsnUrl;
  const oldPort = r.port;
  await r.stop();
  r = await startR('127.0.0.3');
  assert.notEqual(r.port, oldPort);
  // An impostor (another key) on R's old address, and R announcing the old address first.
  const impostor = await startRelay({ listen: [`127.0.0.2:${oldPort}`] });
  started.push(impostor);
  await announce([old, r.wsnUrl]);

  const followed = await readsNote(keyOnly, stale, ['--directory', dirRelay.wsUrl]);
  assert.ok(followed.ok, followed.stderr);
  assert.match(followed.stderr, /relay failed to prove it holds/);  // the impostor, refused by the handshake
  assert.equal(cacheOf(stale).relays[0].address, r.wsnUrl);

  // A fresh client tries the announced addresses in order: the impostor first, then R.
  const fresh = await readsNote(keyOnly, clientEnv(), ['--directory', dirRelay.wsUrl]);
  assert.ok(fresh.ok, fresh.stderr);
  assert.match(fresh.stderr, new RegExp(`${old.replace(/[[\]]/g, '\\$&')}: relay failed to prove it holds`));

  const fallback = await readsNote(old, clientEnv(), ['--directory', dirRelay.wsUrl]);
  assert.ok(fallback.ok, fallback.stderr);
  // wsn info too: the impostor's document names another key, so it finds R by its key.
  const info = await runWsn(['info', old, '--directory', dirRelay.wsUrl], { env: clientEnv() });
  assert.equal(info.code, 0, info.stderr);
  const direct = await runWsn(['info', r.wsnUrl], { env: clientEnv() });
  assert.equal(JSON.parse(info.stdout).self, JSON.parse(direct.stdout).self);
  assert.match(info.stderr, /found by its key at/);

  // Without a directory and with no cache, the old address fails as before: the key check.
  const alone = await readsNote(old, clientEnv());
  assert.equal(alone.code, 3);
  assert.match(alone.stderr, /relay failed to prove it holds/);
  await impostor.stop();
});

// A directory that serves whatever it is given (a real relay would refuse most of these).
async function lyingDirectory(events) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((res) => wss.once('listening', res));
  wss.on('connection', (ws) => ws.on('message', (d) => {
    const [verb, sub] = JSON.parse(d.toString());
    if (verb !== 'REQ') return;
    for (const e of events) ws.send(JSON.stringify(['EVENT', sub, e]));
    ws.send(JSON.stringify(['EOSE', sub]));
  }));
  return { url: `ws://127.0.0.1:${wss.address().port}`, close: () => new Promise((res) => wss.close(res)) };
}

test('forged, stale and expired announcements are each ignored', async () => {
  const other = generateSecretKey();
  const forged = finalizeEvent({ kind: 11111, created_at: now() + 5, content: '',
    tags: [['clearnet', '127.0.0.9:9', 'wsn'], ['expiration', String(now() + 86400)]] }, other);
  const claimed = { ...forged, pubkey: getPublicKey(rKey.sk) };  // R's key, another's signature
  const stale = JSON.parse((await announce(['127.0.0.9:9'], { createdAt: now() - 3600, directory: null })).lines[0]);
  const expired = JSON.parse((await announce(['127.0.0.9:9'], { createdAt: now() - 200, expiry: 60, directory: null })).lines[0]);
  const liar = await lyingDirectory([claimed, stale, expired]);
  try {
    const rs = await runWsn(['resolve', keyOnly, '--directory', liar.url, '--directory', dirRelay.wsUrl, '--json'],
      { env: clientEnv() });
    assert.equal(rs.code, 0, rs.stderr);
    const out = JSON.parse(rs.lines[0]);
    assert.deepEqual(out.sources, [dirRelay.wsUrl]);
    assert.deepEqual(out.addresses.map((a) => a.uri).at(-1), r.wsnUrl);
    const ignored = out.ignored.join('\n');
    assert.match(ignored, new RegExp(`${liar.url}: bad announcement`));
    assert.match(ignored, new RegExp(`${liar.url}: expired`));
    assert.match(ignored, new RegExp(`${liar.url}: older than`));
    assert.equal(out.ignored.length, 3, ignored);
    // And a client given only the liar finds nothing to use, but fails cleanly.
    const lost = await readsNote(keyOnly, clientEnv(), ['--directory', liar.url]);
    assert.equal(lost.code, 3);
    assert.match(lost.stderr, /no address of npub1\w+ answered|no announcement of npub1\w+ found/);
    const found = await readsNote(keyOnly, clientEnv(), ['--directory', liar.url, '--directory', dirRelay.wsUrl]);
    assert.ok(found.ok, found.stderr);
  } finally {
    await liar.close();
  }
});

test('wsn proxy reaches R by key alone for nostr-tools', async () => {
  const proxy = await startWsn(['proxy', '--listen', '127.0.0.1:0', '--directory', dirRelay.wsUrl],
    { pattern: /^ws:\/\//, env: clientEnv() });
  try {
    const relay = await Relay.connect(`${proxy.lines[0]}/${encodeURIComponent(keyOnly)}`);
    const got = await new Promise((resolve) => {
      const seen = [];
      const sub = relay.subscribe([{ ids: [note.id] }], {
        onevent: (e) => seen.push(e), oneose: () => { sub.close(); resolve(seen); } });
    });
    assert.deepEqual(got.map((e) => e.id), [note.id]);
    const e = finalizeEvent({ kind: 1, created_at: now(), tags: [], content: 'via proxy by key' }, generateSecretKey());
    assert.equal(await relay.publish(e), '');
    relay.close();
    const back = await readsNote(keyOnly, clientEnv(), ['--directory', dirRelay.wsUrl]);
    assert.ok(back.ok);
  } finally {
    assert.equal(await proxy.stop('SIGINT'), 0);
  }
});

// The relay's and the gateway's own announcer ([announce], --announce-to).
async function resolved(address, env, want) {
  let last = '';
  await waitFor(async () => {
    const rs = await runWsn(['resolve', address, '--directory', dirRelay.wsUrl, '--json'], { env });
    last = rs.stdout + rs.stderr;
    if (rs.code !== 0) return false;
    return JSON.parse(rs.lines[0]).addresses.some((a) => a.uri === want);
  }, { timeout: 15000, what: `the announcement of ${address} listing ${want}: ${last}` });
}

test('a relay announces itself to its directories, stores its announcement, and re-announces when it moves', async () => {
  const key = makeKeyFile(dir, 'r2.key');
  const data = join(dir, 'r2-data');
  mkdirSync(data);
  const args = ['--key', key.path, '--announce-to', dirRelay.wsUrl];
  let r2 = await startRelay({ dataDir: data, listen: ['127.0.0.4:0'], args });
  started.push(r2);
  const byKey = `wsn://${r2.npub}`;
  await resolved(byKey, clientEnv(), r2.wsnUrl);
  await waitFor(() => /published [0-9a-f]{64} to ws:\/\//.test(r2.stderr), { what: 'the publish log line' });
  // Its own store holds it too.
  const own = await runWsn(['req', r2.wsnUrl, '--kind', '11111', '--author', r2.npub], { env: clientEnv() });
  assert.equal(own.code, 0, own.stderr);
  assert.equal(JSON.parse(own.lines[0]).tags[0][1], `127.0.0.4:${r2.port}`);
  const env = clientEnv();
  assert.ok((await runWsn(['req', byKey, '--kind', '1', '--directory', dirRelay.wsUrl], { env })).code === 0);

  // Restarted on another address: a new announcement at once, and the cached client follows.
  await r2.stop();
  r2 = await startRelay({ dataDir: data, listen: ['127.0.0.5:0'], args });
  started.push(r2);
  await resolved(byKey, clientEnv(), r2.wsnUrl);
  const follow = await runWsn(['req', byKey, '--kind', '1', '--directory', dirRelay.wsUrl], { env });
  assert.equal(follow.code, 0, follow.stderr);
  assert.equal(cacheOf(env).relays[0].address, r2.wsnUrl);

  // Same addresses again: the stored announcement is still current, nothing new is signed.
  await r2.stop();
  r2 = await startRelay({ dataDir: data, listen: [`127.0.0.5:${r2.port}`], args });
  started.push(r2);
  await waitFor(() => /announcement [0-9a-f]{64} still current/.test(r2.stderr), { what: 'still current' });
});

test('a directory that cannot be reached is retried with backoff and never blocks the relay', async () => {
  const r3 = await startRelay({ listen: ['127.0.0.6:0'], args: ['--announce-to', 'ws://127.0.0.1:1'] });
  started.push(r3);
  await waitFor(() => /publishing to ws:\/\/127\.0\.0\.1:1 failed: .*retrying in 5 s/.test(r3.stderr), { what: 'the retry' });
  const res = await runWsn(['req', r3.wsnUrl, '--kind', '1'], { env: clientEnv() });
  assert.equal(res.code, 0, res.stderr);
});

test('the gateway announces its own key', async () => {
  const gw = await startWsn(['gateway', '--upstream', dirRelay.wsUrl, '--listen', '127.0.0.7:0', '--data',
    join(dir, 'gw'), '--announce-to', dirRelay.wsUrl], { env: clientEnv() });
  try {
    const npub = /wsn:\/\/(npub1\w+)@/.exec(gw.lines[0])[1];
    await resolved(`wsn://${npub}`, clientEnv(), gw.lines[0]);
  } finally {
    await gw.stop();
  }
});
