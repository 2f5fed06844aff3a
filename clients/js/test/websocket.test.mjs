// WsnWebSocket end to end over real sockets (the `ws` package) against the JS
// responder: handshake, NIP-01 text both ways, multi-chunk messages, the
// user's key, and every failure the app must see as onerror then onclose.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { compressedPublicKey, npubEncode, notWsnMessage, randomSecretKey, Responder, evenYSecret, Transport,
  useWsn, WsnWebSocket, wrongKeyMessage, WSN_SUBPROTOCOL } from '../dist/index.js';
import { startWsnServer } from '../dist/server.js';
import { once, rawServer, recordUntilClose } from './support/net.mjs';
import { hex } from './support/vectors.mjs';

const WS = useWsn({ WebSocket });

describe('WsnWebSocket over ws', () => {
  let echo;
  const seenOnServer = [];
  before(async () => {
    echo = await startWsnServer({
      maxMessageSize: 4_000_000,
      onConnection(peer) {
        seenOnServer.push(peer);
        peer.onmessage = (text) => peer.send(text);
      },
    });
  });
  after(() => echo.close());

  it('opens after the handshake, shows the verified key, echoes NIP-01 text', async () => {
    const ws = new WS(echo.address);
    assert.equal(ws.readyState, WS.CONNECTING);
    assert.equal(ws.protocol, '');
    assert.throws(() => ws.send('["REQ","x",{}]'), (e) => e.name === 'InvalidStateError');
    await once(ws, 'open');
    assert.equal(ws.readyState, WS.OPEN);
    assert.equal(ws.protocol, WSN_SUBPROTOCOL);
    assert.equal(ws.relayPubkey, echo.relayPubkey);
    assert.equal(ws.relayNpub, echo.npub);
    assert.equal(ws.url, echo.address);
    const got = [];
    ws.onmessage = (ev) => got.push(ev.data);
    ws.send('["REQ","sub1",{"kinds":[1]}]');
    ws.send('["CLOSE","sub1"]');
    await new Promise((r) => setTimeout(r, 100));
    while (got.length < 2) await once(ws, 'message');
    assert.deepEqual(got, ['["REQ","sub1",{"kinds":[1]}]', '["CLOSE","sub1"]']);
    assert.equal(typeof got[0], 'string');
    const closed = once(ws, 'close');
    ws.close(1000, 'bye');
    assert.equal(ws.readyState, WS.CLOSING);
    const ev = await closed;
    assert.equal(ws.readyState, WS.CLOSED);
    assert.equal(ev.code, 1000);
    assert.equal(ev.wasClean, true);
  });

  it('multi-chunk messages both ways (65519, 65520, 131039, 1,000,000 characters, non-ASCII)', async () => {
    const ws = new WsnWebSocket(echo.address, undefined, { WebSocket, maxMessageSize: 4_000_000 });
    await once(ws, 'open');
    for (const n of [1, 65519, 65520, 131039, 1_000_000]) {
      const text = 'é🌍x'.repeat(Math.ceil(n / 3)).slice(0, n);
      const reply = once(ws, 'message');
      ws.send(text);
      assert.equal((await reply).data, text, `${n} characters`);
    }
    ws.close();
    await once(ws, 'close');
  });

  it('a message over the client limit: 1009 to the relay, error then close to the app', async () => {
    const known = seenOnServer.length;
    const ws = new WsnWebSocket(echo.address, undefined, { WebSocket, maxMessageSize: 1000 });
    await once(ws, 'open');
    while (seenOnServer.length === known) await new Promise((r) => setTimeout(r, 10));
    const peer = seenOnServer.at(-1);
    const relaySaw = new Promise((r) => (peer.onclose = (code) => r(code)));
    ws.send('x'.repeat(1001));
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.equal(events[0].message, 'bad message from relay: message of 1001 bytes is over the limit of 1000');
    assert.equal(await relaySaw, 1009);
  });

  it("the user's key: the relay learns its pubkey; anonymous sessions use fresh keys", async () => {
    const sk = randomSecretKey();
    const before = seenOnServer.length;
    const a = new WS(echo.address);
    const b = new WsnWebSocket(echo.address, undefined, { WebSocket, secretKey: hex(sk) });
    const c = new WsnWebSocket(echo.address, undefined, { WebSocket, secretKey: sk });
    await Promise.all([once(a, 'open'), once(b, 'open'), once(c, 'open')]);
    // The client opens as soon as act three is sent; the relay reads it a moment later.
    while (seenOnServer.length < before + 3) await new Promise((r) => setTimeout(r, 10));
    const keys = seenOnServer.slice(before).map((p) => p.clientPubkey).sort();
    const userPub = hex(secp256k1.getPublicKey(sk, true).subarray(1));
    assert.equal(b.clientPubkey, userPub);
    assert.deepEqual(keys, [a.clientPubkey, userPub, userPub].sort());
    assert.notEqual(a.clientPubkey, userPub);
    for (const w of [a, b, c]) w.close();
    await Promise.all([a, b, c].map((w) => once(w, 'close')));
  });

  it('wrong relay key: onerror then onclose with the clear error, no application data', async () => {
    let handshakeError = null;
    const before = seenOnServer.length;
    const strict = await startWsnServer({
      onConnection: (p) => seenOnServer.push(p),
      onHandshakeError: (e) => (handshakeError = e),
    });
    const otherNpub = npubEncode(compressedPublicKey(randomSecretKey()).subarray(1));
    const url = strict.address.replace(strict.npub, otherNpub);
    const ws = new WS(url);
    const order = [];
    ws.onerror = (ev) => order.push(['error', ev.message]);
    ws.onclose = (ev) => order.push(['close', ev.code]);
    ws.onopen = () => order.push(['open']);
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.equal(events[0].message, wrongKeyMessage(otherNpub));
    assert.match(events[0].message, /^relay failed to prove it holds npub1\w+ — wrong key, or someone in between$/);
    assert.equal(ws.error.message, wrongKeyMessage(otherNpub));
    assert.deepEqual(order.map((o) => o[0]), ['error', 'close']);
    assert.equal(ws.readyState, WS.CLOSED);
    assert.equal(ws.relayPubkey, null);
    assert.equal(handshakeError?.code, 'ACT1_BAD_TAG');
    assert.equal(seenOnServer.length, before);
    await strict.close();
  });

  it('server that does not select wsn.v1: clear error, nothing sent', async () => {
    const received = [];
    const plain = await rawServer({ handleProtocols: () => false },
      (wss) => wss.on('connection', (s) => s.on('message', (m) => received.push(m))));
    const ws = new WS(`wsn://${echo.npub}@127.0.0.1:${plain.port}`);
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.equal(events[0].message, notWsnMessage);
    assert.equal(events[0].message, 'server does not speak wsn (it did not select wsn.v1)');
    assert.deepEqual(received, []);
    await plain.close();
  });

  it('a plain relay on `ws` that echoes any subprotocol and answers act one with text', async () => {
    const received = [];
    const naive = await rawServer({}, (wss) => wss.on('connection', (s) => s.on('message', (m, isBinary) => {
      received.push(isBinary);
      s.send('["NOTICE","could not parse"]');
    })));
    const ws = new WS(`wsn://${echo.npub}@127.0.0.1:${naive.port}`);
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.equal(events[0].message, 'server does not speak wsn (it answered the handshake with text)');
    assert.deepEqual(received, [true]); // act one only
    await naive.close();
  });

  it('browser-style carrier that opens without the subprotocol: same error, nothing sent', async () => {
    const sent = [];
    class FakeCarrier extends EventTarget {
      constructor() {
        super();
        this.readyState = 0;
        this.protocol = '';
        this.bufferedAmount = 0;
        setTimeout(() => {
          this.readyState = 1;
          this.onopen?.({});
        }, 5);
      }
      send(d) { sent.push(d); }
      close() { this.readyState = 3; }
    }
    const ws = new WsnWebSocket(echo.address, undefined, { WebSocket: FakeCarrier });
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.equal(events[0].message, notWsnMessage);
    assert.deepEqual(sent, []);
  });

  it('a relay answering act one with a bad act two: the clear error', async () => {
    const impostor = await rawServer({ handleProtocols: () => WSN_SUBPROTOCOL }, (wss) => wss.on('connection', (s) => {
      s.on('message', () => {
        const act2 = new Uint8Array(50);
        act2.set(compressedPublicKey(randomSecretKey()), 1);
        s.send(act2);
      });
    }));
    const ws = new WS(`wsn://${echo.npub}@127.0.0.1:${impostor.port}`);
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.equal(events[0].message, wrongKeyMessage(echo.npub));
    await impostor.close();
  });

  it('a relay that never answers: handshake timeout', async () => {
    const mute = await rawServer({ handleProtocols: () => WSN_SUBPROTOCOL }, () => {});
    const ws = new WsnWebSocket(`wsn://${echo.npub}@127.0.0.1:${mute.port}`, undefined, { WebSocket, handshakeTimeoutMs: 200 });
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.match(events[0].message, /did not finish the handshake within 200 ms/);
    await mute.close();
  });

  it('nothing listening: a connection error naming the carrier URL', async () => {
    const ws = new WS(`wsn://${echo.npub}@127.0.0.1:1`);
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.match(events[0].message, /could not connect to ws:\/\/127\.0\.0\.1:1\//);
  });

  it('after the handshake: a text frame or a bad chunk fails the connection', async () => {
    for (const misbehave of ['text', 'flip']) {
      const relaySecret = evenYSecret(randomSecretKey());
      const relayNpub = npubEncode(compressedPublicKey(relaySecret).subarray(1));
      let closeCode = null;
      const bad = await rawServer({ handleProtocols: () => WSN_SUBPROTOCOL }, (wss) => wss.on('connection', (s) => {
        const r = new Responder(relaySecret);
        s.on('close', (code) => (closeCode = code));
        s.on('message', (m) => {
          if (r.state === 'start') {
            r.readActOne(new Uint8Array(m));
            s.send(r.writeActTwo());
            return;
          }
          const t = new Transport(r.readActThree(new Uint8Array(m)));
          if (misbehave === 'text') s.send('["NOTICE","plain"]');
          else {
            const w = t.sealText('["NOTICE","x"]');
            w[3] ^= 1;
            s.send(w);
          }
        });
      }));
      const ws = new WS(`wsn://${relayNpub}@127.0.0.1:${bad.port}`);
      const events = await recordUntilClose(ws);
      assert.deepEqual(events.map((e) => e.type), ['open', 'error', 'close'], misbehave);
      assert.match(events[1].message, misbehave === 'text' ? /text frame/ : /fails authentication/);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(closeCode, 1002);
      await bad.close();
    }
  });

  it('close() while connecting: error then close, like a native WebSocket', async () => {
    const ws = new WS(echo.address);
    ws.close();
    const events = await recordUntilClose(ws);
    assert.deepEqual(events.map((e) => e.type), ['error', 'close']);
    assert.equal(ws.readyState, WS.CLOSED);
  });

  it('close() validates code and reason like a native WebSocket; send() after close is ignored', async () => {
    const ws = new WS(echo.address);
    await once(ws, 'open');
    assert.throws(() => ws.close(1001), (e) => e.name === 'InvalidAccessError');
    assert.throws(() => ws.close(1000, 'x'.repeat(124)), (e) => e.name === 'SyntaxError');
    assert.throws(() => ws.send(new Uint8Array(3)), TypeError);
    assert.throws(() => ws.send(''), RangeError);
    ws.close(4000, 'done');
    ws.send('["REQ","late",{}]');
    const ev = await once(ws, 'close');
    assert.equal(ev.code, 4000);
    assert.equal(ev.reason, 'done');
  });

  it('the relay closing: the app sees its close code and reason', async () => {
    const closer = await startWsnServer({ onConnection: (p) => (p.onmessage = () => p.close(4001, 'go away')) });
    const ws = new WS(closer.address);
    await once(ws, 'open');
    ws.send('["REQ","a",{}]');
    const ev = await once(ws, 'close');
    assert.equal(ev.code, 4001);
    assert.equal(ev.reason, 'go away');
    await closer.close();
  });

  it('Node.js without a WebSocket option: loads `ws` by itself for wsn://', async () => {
    assert.equal(globalThis.WebSocket, undefined); // Node.js 20
    const ws = new WsnWebSocket(echo.address);
    await once(ws, 'open');
    const reply = once(ws, 'message');
    ws.send('["REQ","auto",{}]');
    assert.equal((await reply).data, '["REQ","auto",{}]');
    ws.close();
    await once(ws, 'close');
  });

  it('ws:// and wss:// pass straight through to the underlying WebSocket', async () => {
    const plain = await startWsnServer({ onConnection: (p) => (p.onmessage = (t) => p.send(`echo ${t}`)) });
    const ws = new WS(`ws://127.0.0.1:${plain.port}/`);
    assert.ok(ws instanceof WebSocket);
    assert.ok(!(ws instanceof WsnWebSocket));
    await once(ws, 'open');
    const reply = once(ws, 'message');
    ws.send('hi');
    assert.equal(String((await reply).data), 'echo hi');
    ws.close();
    await plain.close();
  });

  it('bad wsn addresses throw SyntaxError from the constructor', () => {
    const badChecksum = echo.npub.slice(0, -1) + (echo.npub.endsWith('q') ? 'p' : 'q');
    assert.throws(() => new WS(`wsn://${badChecksum}@127.0.0.1:80`), (e) => e.name === 'SyntaxError' && /bad checksum in npub/.test(e.message));
    assert.throws(() => new WS(`wsn://${echo.npub}@::1:80`), /IPv6 literal needs brackets/);
  });
});
