// nostr-tools (an unchanged Nostr client) -> `wsn proxy` -> `wsn relay` over wsn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { npubEncode } from 'nostr-tools/nip19';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { startRelay, waitFor } from './lib/relay.mjs';
import { runWsn, startWsn, tempDir, makeKeyFile, withWrongKey } from './tools_lib.mjs';

useWebSocketImplementation(WebSocket);

let relay, proxy, proxyUrl, dir;
before(async () => {
  dir = tempDir();
  relay = await startRelay();
  proxy = await startWsn(['proxy', '--listen', '127.0.0.1:0', '--upstream', relay.wsnUrl], { pattern: /^ws:\/\// });
  proxyUrl = proxy.lines[0];
});
after(async () => {
  assert.equal(await proxy.stop('SIGINT'), 0);  // clean shutdown
  await relay.stop();
  relay.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const now = () => Math.floor(Date.now() / 1000);
const sign = (sk, fields) => finalizeEvent({ created_at: now(), tags: [], content: '', kind: 1, ...fields }, sk);

function query(r, filters) {
  return new Promise((resolve) => {
    const got = [];
    const sub = r.subscribe(filters, { onevent: (e) => got.push(e), oneose: () => { sub.close(); resolve(got); } });
  });
}

async function publishSubscribeLive(url) {
  const writer = await Relay.connect(url);
  const reader = await Relay.connect(url);
  const sk = generateSecretKey();
  const stored = sign(sk, { content: 'stored via proxy' });
  assert.equal(await writer.publish(stored), '');
  assert.deepEqual((await query(reader, [{ authors: [getPublicKey(sk)] }])).map((e) => e.id), [stored.id]);

  const live = [];
  let eose = false;
  reader.subscribe([{ authors: [getPublicKey(sk)], since: now() + 1 }], {
    onevent: (e) => live.push(e), oneose: () => { eose = true; },
  });
  await waitFor(() => eose, { what: 'EOSE' });
  const e = sign(sk, { content: 'live via proxy', created_at: now() + 5 });
  await writer.publish(e);
  await waitFor(() => live.length === 1, { what: 'live delivery' });
  assert.equal(live[0].id, e.id);
  writer.close();
  reader.close();
}

test('default upstream: publish, subscribe, live delivery', async () => {
  await publishSubscribeLive(proxyUrl);
});

test('the relay address in the path, plain and escaped', async () => {
  await publishSubscribeLive(`${proxyUrl}/${relay.wsnUrl}`);
  await publishSubscribeLive(`${proxyUrl}/${encodeURIComponent(relay.wsnUrl)}`);
});

// A raw WebSocket, to see exactly what the app gets.
function rawSession(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const msgs = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
    ws.on('close', (code) => resolve({ msgs, code }));
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify(['REQ', 's', { kinds: [1], limit: 1 }])));
  });
}

test('a wrong key: the app sees a NOTICE naming the failure, then the close', async () => {
  const { msgs } = await rawSession(`${proxyUrl}/${withWrongKey(relay.wsnUrl)}`);
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0][0], 'NOTICE');
  assert.match(msgs[0][1], /npub1/);

  // and the same through nostr-tools
  // handlers first: the NOTICE may arrive together with the upgrade answer
  const r = new Relay(`${proxyUrl}/${encodeURIComponent(withWrongKey(relay.wsnUrl))}`);
  const notices = [];
  let closed = false;
  r.onnotice = (n) => notices.push(n);
  r.onclose = () => { closed = true; };
  await r.connect();
  await waitFor(() => closed, { what: 'close' });
  assert.equal(notices.length, 1);
  assert.match(notices[0], /prove|key/i);
});

test('a bad address in the path: NOTICE with the reason, then the close', async () => {
  const { msgs } = await rawSession(`${proxyUrl}/wsn://npub1bad@127.0.0.1:1`);
  assert.equal(msgs[0][0], 'NOTICE');
  assert.match(msgs[0][1], /npub/);
});

test('with --key the relay sees the user key on every session', async () => {
  const user = makeKeyFile(dir);
  const p = await startWsn(['proxy', '--listen', '127.0.0.1:0', '--upstream', relay.wsnUrl, '--key', user.path],
    { pattern: /^ws:\/\// });
  try {
    const r = await Relay.connect(p.lines[0]);
    const sk = generateSecretKey();
    assert.equal(await r.publish(sign(sk, { content: 'with key' })), '');
    r.close();
    // the relay logs client keys as npub; the proxy logs one line per session
    await waitFor(() => relay.stderr.includes(npubEncode(user.pubkey)), { what: 'the relay seeing the user key' });
    await waitFor(() => /session/.test(p.stderr), { what: 'the proxy session log line' });
  } finally {
    assert.equal(await p.stop('SIGTERM'), 0);
  }
});

test('the proxy refuses a non-loopback listener unless told', async () => {
  const r = await runWsn(['proxy', '--upstream', relay.wsnUrl, '--listen', '0.0.0.0:0'], { timeout: 5000 });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /allow-remote/);
});
