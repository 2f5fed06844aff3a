// NIP-42 with relay.public_urls set (--public-url): the AUTH event's relay tag must
// name the relay, compared without case, default port or trailing slash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { startRelay, waitFor } from './lib/relay.mjs';

useWebSocketImplementation(WebSocket);

let relay;
before(async () => {
  relay = await startRelay({ args: ['--public-url', 'wss://relay.example.com', '--public-url', 'ws://other.example:7447/'] });
});
after(async () => { await relay.stop(); relay.cleanup(); });

const now = () => Math.floor(Date.now() / 1000);

// A raw connection that has its challenge.
async function connect() {
  const ws = new WebSocket(relay.wsUrl);
  const msgs = [];
  ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
  await new Promise((res, rej) => { ws.on('open', res); ws.on('error', rej); });
  await waitFor(() => msgs.some((m) => m[0] === 'AUTH'), { what: 'challenge' });
  const challenge = msgs.find((m) => m[0] === 'AUTH')[1];
  const answer = async (msg, id) => {
    ws.send(JSON.stringify(msg));
    await waitFor(() => msgs.some((m) => m[0] === 'OK' && m[1] === id), { what: 'OK' });
    return msgs.find((m) => m[0] === 'OK' && m[1] === id);
  };
  const auth = (sk, relayTag) => {
    const e = finalizeEvent({ kind: 22242, created_at: now(), content: '',
      tags: [['relay', relayTag], ['challenge', challenge]] }, sk);
    return answer(['AUTH', e], e.id);
  };
  const publishProtected = (sk) => {
    const e = finalizeEvent({ kind: 1, created_at: now(), content: 'mine', tags: [['-']] }, sk);
    return answer(['EVENT', e], e.id);
  };
  return { ws, auth, publishProtected };
}

test('an AUTH event naming another relay is refused with the mismatch named', async () => {
  const c = await connect();
  const sk = generateSecretKey();
  const ok = await c.auth(sk, 'wss://evil.example');
  assert.equal(ok[2], false);
  assert.match(ok[3], /^invalid: AUTH relay tag 'wss:\/\/evil.example' is not this relay's URL/);
  assert.match(ok[3], /wss:\/\/relay\.example\.com/);
  // not authenticated, so a protected event is still refused
  const pub = await c.publishProtected(sk);
  assert.equal(pub[2], false);
  assert.match(pub[3], /^auth-required:/);
  c.ws.close();
});

test('an AUTH event naming a configured URL, however spelled, is accepted', async () => {
  for (const tag of ['wss://relay.example.com', 'WSS://Relay.Example.COM:443/', 'ws://OTHER.example:7447']) {
    const c = await connect();
    const sk = generateSecretKey();
    const ok = await c.auth(sk, tag);
    assert.equal(ok[2], true, `${tag}: ${ok[3]}`);
    const pub = await c.publishProtected(sk);
    assert.equal(pub[2], true, pub[3]);
    c.ws.close();
  }
});

test('nostr-tools, which names the URL it dialed, is refused when that is not a public URL', async () => {
  const r = await Relay.connect(relay.wsUrl);
  r.onnotice = () => {};
  await waitFor(() => r.challenge, { what: 'AUTH challenge' });
  await assert.rejects(r.auth((evt) => finalizeEvent(evt, generateSecretKey())), /not this relay's URL/);
  r.close();
});

test('a bad --public-url stops the relay at start with the reason', async () => {
  await assert.rejects(startRelay({ args: ['--public-url', 'relay.example.com'] }), /public-url.*scheme/);
});
