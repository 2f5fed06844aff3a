// `wsn gateway` in front of a relay on plain ws (the project's relay stands in for a
// third-party relay such as strfry): the project's client through the gateway, NIP-11
// with `self`, and the whole chain nostr-tools -> wsn proxy -> wsn gateway -> relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { npubEncode } from 'nostr-tools/nip19';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { startRelay, waitFor } from './lib/relay.mjs';
import { runWsn, startWsn, tempDir, makeCert } from './tools_lib.mjs';

useWebSocketImplementation(WebSocket);

let upstream, gateway, gwAddr, dir, gwTls;
before(async () => {
  dir = tempDir();
  upstream = await startRelay();
  const { cert, key } = makeCert(dir);
  gateway = await startWsn(['gateway', '--upstream', upstream.wsUrl, '--data', join(dir, 'gw'),
    '--listen', '127.0.0.1:0', '--listen-tls', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key], { count: 2 });
  gwAddr = gateway.lines.find((l) => l.startsWith('wsn://'));
  gwTls = gateway.lines.find((l) => l.startsWith('wsns://'));
});
after(async () => {
  assert.equal(await gateway.stop('SIGTERM'), 0);  // clean shutdown
  await upstream.stop();
  upstream.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const now = () => Math.floor(Date.now() / 1000);
const npubOf = (addr) => addr.match(/npub1[0-9a-z]+/)[0];

test('the gateway has its own key, made on first start (0600), not the upstream relay key', () => {
  assert.equal(statSync(join(dir, 'gw', 'gateway.key')).mode & 0o777, 0o600);
  assert.notEqual(npubOf(gwAddr), upstream.npub);
  assert.equal(npubOf(gwTls), npubOf(gwAddr));
});

test('wsn event and wsn req through the gateway (wsn and wsns) reach the upstream relay', async () => {
  for (const addr of [gwAddr, gwTls]) {
    const content = `via gateway ${Math.random()}`;
    const pub = await runWsn(['event', addr, '--content', content]);
    assert.equal(pub.code, 0, pub.stderr);
    const [ok] = pub.json();
    assert.equal(ok.accepted, true);
    // stored in the upstream relay, queried directly over ws
    const direct = await runWsn(['req', upstream.wsUrl, '--id', ok.id]);
    assert.equal(direct.json()[0].content, content);
    // and queried back through the gateway
    const via = await runWsn(['req', addr, '--id', ok.id]);
    assert.equal(via.code, 0, via.stderr);
    assert.equal(via.json()[0].content, content);
  }
  const c = await runWsn(['count', gwAddr, '--kind', '1']);
  assert.equal(c.code, 0, c.stderr);
  assert.ok(c.json()[0].count >= 2);
});

test('NIP-11 through the gateway: the upstream document with self = the gateway key and its addresses', async () => {
  const up = JSON.parse((await runWsn(['info', upstream.wsUrl])).stdout);
  const r = await runWsn(['info', gwAddr]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(npubEncode(doc.self), npubOf(gwAddr));
  assert.equal(doc.name, up.name);
  assert.deepEqual(doc.supported_nips, up.supported_nips);
  assert.ok(doc.wsn.includes(gwAddr));
});

test('a wrong key for the gateway fails the handshake', async () => {
  const wrong = gwAddr.replace(npubOf(gwAddr), upstream.npub);
  const r = await runWsn(['req', wrong, '--kind', '1']);
  assert.equal(r.code, 3);
});

test('plain ws clients are refused unless --allow-plaintext', async () => {
  const port = gwAddr.match(/:(\d+)$/)[1];
  const code = await new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    ws.on('close', (c) => resolve(c));
    ws.on('error', () => resolve('error'));
  });
  assert.equal(code, 1008);
});

test('the whole chain: nostr-tools -> wsn proxy -> wsn gateway -> relay', async () => {
  const proxy = await startWsn(['proxy', '--listen', '127.0.0.1:0', '--upstream', gwAddr], { pattern: /^ws:\/\// });
  try {
    const writer = await Relay.connect(proxy.lines[0]);
    const reader = await Relay.connect(`${proxy.lines[0]}/${gwAddr}`);
    const sk = generateSecretKey();
    const live = [];
    let eose = false;
    reader.subscribe([{ authors: [getPublicKey(sk)] }], { onevent: (e) => live.push(e), oneose: () => { eose = true; } });
    await waitFor(() => eose, { what: 'EOSE through the chain' });
    const e = finalizeEvent({ kind: 1, created_at: now(), tags: [], content: 'whole chain' }, sk);
    assert.equal(await writer.publish(e), '');
    await waitFor(() => live.length === 1, { what: 'live delivery through the chain' });
    assert.equal(live[0].id, e.id);
    const stored = await runWsn(['req', upstream.wsUrl, '--id', e.id]);
    assert.equal(stored.json()[0].content, 'whole chain');
    writer.close();
    reader.close();
  } finally {
    assert.equal(await proxy.stop(), 0);
  }
  await waitFor(() => /session/.test(gateway.stderr), { what: 'the gateway session log line' });
});

test('with --allow-plaintext, ws clients pass through to the upstream', async () => {
  const gw2 = await startWsn(['gateway', '--upstream', upstream.wsUrl, '--data', join(dir, 'gw2'),
    '--listen', '127.0.0.1:0', '--allow-plaintext']);
  try {
    const port = gw2.lines[0].match(/:(\d+)$/)[1];
    const r = await Relay.connect(`ws://127.0.0.1:${port}`);
    const sk = generateSecretKey();
    const e = finalizeEvent({ kind: 1, created_at: now(), tags: [], content: 'plain through gateway' }, sk);
    assert.equal(await r.publish(e), '');
    r.close();
  } finally {
    assert.equal(await gw2.stop(), 0);
  }
});
