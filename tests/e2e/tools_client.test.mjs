// The client commands (wsn event, req, count, info) against the real relay over all four
// schemes: wsn, wsns, ws, wss.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure';
import { npubEncode } from 'nostr-tools/nip19';
import { startRelay, waitFor } from './lib/relay.mjs';
import { runWsn as run, tempDir, makeCert, makeKeyFile, withWrongKey } from './tools_lib.mjs';

let relay, dir, uris, user, caFile;
// Every command trusts the test relay's self-signed certificate for wss:// (wsns:// never checks it).
const runWsn = (args, opts) => run([...args, '--tls-ca', caFile], opts);
before(async () => {
  dir = tempDir();
  const { cert, key } = makeCert(dir);
  caFile = cert;
  relay = await startRelay({ args: ['--listen-tls', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key] });
  await waitFor(() => /^wsns:\/\//m.test(relay.stdout), { what: 'the wsns:// address' });
  const wsns = relay.stdout.split('\n').find((l) => l.startsWith('wsns://'));
  const tlsPort = wsns.match(/:(\d+)$/)[1];
  uris = {
    wsn: relay.wsnUrl,
    wsns,
    ws: relay.wsUrl,
    wss: `wss://127.0.0.1:${tlsPort}`,
  };
  user = makeKeyFile(dir);
});
after(async () => {
  await relay.stop();
  relay.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

for (const scheme of ['wsn', 'wsns', 'ws', 'wss']) {
  test(`wsn event then wsn req over ${scheme}`, async () => {
    const content = `hello over ${scheme} ${Math.random()}`;
    const pub = await runWsn(['event', uris[scheme], '--content', content, '--kind', '1', '--tag', 't=wsn',
      '--key', user.path]);
    assert.equal(pub.code, 0, pub.stderr);
    const [ok] = pub.json();
    assert.equal(ok.accepted, true);
    assert.equal(ok.relay, uris[scheme]);
    assert.match(ok.id, /^[0-9a-f]{64}$/);

    const got = await runWsn(['req', uris[scheme], '--author', npubEncode(user.pubkey), '--tag', 't=wsn']);
    assert.equal(got.code, 0, got.stderr);
    const events = got.json();
    const mine = events.find((e) => e.id === ok.id);
    assert.ok(mine, `event ${ok.id} not returned`);
    assert.equal(mine.content, content);
    assert.equal(mine.pubkey, user.pubkey);
    assert.deepEqual(mine.tags, [['t', 'wsn']]);
    assert.ok(verifyEvent(mine));
  });
}

test('without --key, event signs with a throwaway key and says so', async () => {
  const r = await runWsn(['event', uris.wsn, '--content', 'anonymous']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /throwaway key/);
  const [ok] = r.json();
  const got = await runWsn(['req', uris.wsn, '--id', ok.id]);
  const [e] = got.json();
  assert.equal(e.content, 'anonymous');
  assert.notEqual(e.pubkey, user.pubkey);
});

test('a ready signed event from stdin is published as it is', async () => {
  const sk = generateSecretKey();
  const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'from stdin' }, sk);
  const r = await runWsn(['event', uris.ws, uris.wsn], { input: JSON.stringify(e) + '\n' });
  assert.equal(r.code, 0, r.stderr);
  const oks = r.json();
  assert.equal(oks.length, 2);
  for (const ok of oks) assert.equal(ok.id, e.id);
  assert.match(oks.find((o) => o.relay === uris.wsn).message, /^duplicate:|^$/);
  // a forged event is refused before anything is sent
  const bad = { ...e, content: 'tampered' };
  const r2 = await runWsn(['event', uris.ws], { input: JSON.stringify(bad) });
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /id does not match/);
});

test('a relay that says no gives exit code 1 and the OK false line', async () => {
  const sk = generateSecretKey();
  // far in the future: the relay refuses it
  const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000) + 86400, tags: [], content: 'x' }, sk);
  const r = await runWsn(['event', uris.wsn], { input: JSON.stringify(e) });
  assert.equal(r.code, 1, r.stderr);
  const [ok] = r.json();
  assert.equal(ok.accepted, false);
  assert.match(ok.message, /^invalid:/);
});

test('several relays at once: results de-duplicated by id', async () => {
  const sk = generateSecretKey();
  const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'once' }, sk);
  assert.equal((await runWsn(['event', uris.wss], { input: JSON.stringify(e) })).code, 0);
  const r = await runWsn(['req', uris.wsn, uris.ws, uris.wsns, uris.wss, '--author', getPublicKey(sk)]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.json().map((x) => x.id), [e.id]);
});

test('wsn count', async () => {
  const sk = generateSecretKey();
  for (const content of ['a', 'b', 'c']) {
    const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content }, sk);
    assert.equal((await runWsn(['event', uris.ws], { input: JSON.stringify(e) })).code, 0);
  }
  const r = await runWsn(['count', uris.wsn, '--author', getPublicKey(sk), '--kind', '1']);
  assert.equal(r.code, 0, r.stderr);
  const [c] = r.json();
  assert.equal(c.relay, uris.wsn);
  assert.equal(c.count, 3);
});

test('wsn req --stream delivers live events after EOSE', async () => {
  const sk = generateSecretKey();
  const { spawn } = await import('node:child_process');
  const proc = spawn(process.env.WSN_BIN, ['req', uris.wsn, '--author', getPublicKey(sk), '--stream'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  try {
    await waitFor(() => /EOSE|stored events/i.test(err), { what: 'EOSE notice on stderr' });
    const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'live' }, sk);
    assert.equal((await runWsn(['event', uris.ws], { input: JSON.stringify(e) })).code, 0);
    await waitFor(() => out.includes(e.id), { what: 'the live event' });
    assert.equal(JSON.parse(out.trim()).content, 'live');
  } finally {
    const done = new Promise((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGINT');
    assert.equal(await done, 0);
  }
});

test('a wrong key in the address fails the handshake: clear error, exit 3', async () => {
  const wrong = withWrongKey(uris.wsn);
  const r = await runWsn(['req', wrong, '--kind', '1']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /npub1[0-9a-z]+/);
  assert.match(r.stderr, /prove|key/i);
  // and over TLS the certificate does not help a wrong key either
  const r2 = await runWsn(['event', withWrongKey(uris.wsns), '--content', 'x']);
  assert.equal(r2.code, 3);
});

test('one relay down among several: partial failure, exit 1, the others still answer', async () => {
  const sk = generateSecretKey();
  const e = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'p' }, sk);
  const r = await runWsn(['event', uris.wsn, withWrongKey(uris.wsn)], { input: JSON.stringify(e) });
  assert.equal(r.code, 1);
  assert.equal(r.json().length, 1);
  assert.equal(r.json()[0].accepted, true);
});

test('usage errors exit 2 and name what is wrong', async () => {
  let r = await runWsn(['req', 'wsn://npub1notakey@127.0.0.1:1']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /npub/);
  r = await runWsn(['req', uris.wsn, '--author', 'bob']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--author/);
  r = await runWsn(['req', uris.wsn, '--tag', 'long=x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--tag/);
});

test('an unreachable relay: exit 3 within the timeout', async () => {
  const r = await runWsn(['req', 'ws://127.0.0.1:1', '--timeout', '3']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /127\.0\.0\.1:1/);
});

test('wsn info: the NIP-11 document over ws, wsn and wsns, self is the relay key', async () => {
  for (const uri of [uris.ws, uris.wsn, uris.wsns, uris.wss]) {
    const r = await runWsn(['info', uri]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(npubEncode(doc.self), relay.npub);
    assert.ok(Array.isArray(doc.supported_nips));
  }
  // the document's self not matching the address is reported
  const r = await runWsn(['info', withWrongKey(uris.wsn)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /self/);
});
