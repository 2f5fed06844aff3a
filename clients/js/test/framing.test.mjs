// DESIGN §4 framing: round trips at the chunk borders and beyond, a key rotation
// inside one multi-chunk message, and every way a message must be refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSE_PROTOCOL_ERROR, CLOSE_TOO_BIG, CLOSE_INVALID_UTF8, FramingError, MAX_CHUNK, MAX_CHUNK_PLAINTEXT,
  sealedLength, TAG_SIZE, CipherState, sealMessage, openMessage } from '../dist/index.js';
import { handshakePair } from './support/session.mjs';

function pattern(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

function refuses(fn, code, re) {
  assert.throws(fn, (e) => e instanceof FramingError && e.closeCode === code && (!re || re.test(e.message)));
}

describe('wsn framing', () => {
  it('constants: 65519-byte chunks seal to 65535 bytes', () => {
    assert.equal(MAX_CHUNK_PLAINTEXT, 65519);
    assert.equal(MAX_CHUNK, 65535);
    assert.equal(TAG_SIZE, 16);
  });

  for (const n of [1, 2, 65518, 65519, 65520, 131038, 131039, 131040, 1_000_000]) {
    it(`round trip of ${n} bytes, both directions`, () => {
      const { client, relay } = handshakePair({ maxMessageSize: 2_000_000 });
      const m = pattern(n);
      const wire = client.seal(m);
      assert.equal(wire.length, sealedLength(n));
      assert.equal(wire.length, n + TAG_SIZE * Math.ceil(n / MAX_CHUNK_PLAINTEXT));
      assert.deepEqual(relay.open(wire), m);
      assert.deepEqual(client.open(relay.seal(m)), m);
    });
  }

  it('chunks carry AD 0x00 (more) and 0x01 (last), in nonce order', () => {
    const key = new Uint8Array(32).fill(7);
    const ck = new Uint8Array(32).fill(9);
    const m = pattern(2 * MAX_CHUNK_PLAINTEXT + 5);
    const wire = sealMessage(new CipherState(key, ck), m);
    const manual = new CipherState(key, ck);
    const chunks = [wire.subarray(0, MAX_CHUNK), wire.subarray(MAX_CHUNK, 2 * MAX_CHUNK), wire.subarray(2 * MAX_CHUNK)];
    assert.equal(chunks[2].length, 5 + TAG_SIZE);
    assert.deepEqual(manual.decrypt(Uint8Array.of(0), chunks[0]), m.subarray(0, MAX_CHUNK_PLAINTEXT));
    assert.deepEqual(manual.decrypt(Uint8Array.of(0), chunks[1]), m.subarray(MAX_CHUNK_PLAINTEXT, 2 * MAX_CHUNK_PLAINTEXT));
    assert.deepEqual(manual.decrypt(Uint8Array.of(1), chunks[2]), m.subarray(2 * MAX_CHUNK_PLAINTEXT));
  });

  it('a key rotation inside a multi-chunk message (nonces 998..1002), then more messages', () => {
    const { client, relay } = handshakePair({ maxMessageSize: 1_000_000 });
    const one = pattern(1);
    for (let i = 0; i < 998; i++) assert.deepEqual(relay.open(client.seal(one)), one);
    // 5 chunks use nonces 998, 999, then 0, 1, 2 under the rotated key.
    const m = pattern(4 * MAX_CHUNK_PLAINTEXT + 100);
    assert.deepEqual(relay.open(client.seal(m)), m);
    for (let i = 0; i < 1000; i++) assert.deepEqual(relay.open(client.seal(one)), one);
    assert.deepEqual(relay.open(client.seal(m)), m);
    // The other direction kept its own count.
    assert.deepEqual(client.open(relay.seal(m)), m);
  });

  it('bit flips across a two-chunk message are refused (each chunk body, tag and border)', () => {
    const key = new Uint8Array(32).fill(1);
    const ck = new Uint8Array(32).fill(2);
    const m = pattern(MAX_CHUNK_PLAINTEXT + 3);
    const wire = sealMessage(new CipherState(key, ck), m);
    const bytes = [0, 1, 1000, MAX_CHUNK_PLAINTEXT - 1, MAX_CHUNK_PLAINTEXT, MAX_CHUNK - 1, MAX_CHUNK, MAX_CHUNK + 1,
      MAX_CHUNK + 2, MAX_CHUNK + 3, wire.length - 1];
    for (const byte of bytes) {
      for (let bit = 0; bit < 8; bit++) {
        const w = Uint8Array.from(wire);
        w[byte] ^= 1 << bit;
        refuses(() => openMessage(new CipherState(key, ck), w), CLOSE_PROTOCOL_ERROR, /fails authentication/);
      }
    }
    assert.deepEqual(openMessage(new CipherState(key, ck), wire), m);
  });

  it('every bit flip of a one-chunk message is refused', () => {
    const { client } = handshakePair();
    const m = pattern(40);
    const key = new Uint8Array(32).fill(1);
    const ck = new Uint8Array(32).fill(2);
    const wire = sealMessage(new CipherState(key, ck), m);
    for (let bit = 0; bit < wire.length * 8; bit++) {
      const w = Uint8Array.from(wire);
      w[bit >> 3] ^= 1 << (bit & 7);
      refuses(() => openMessage(new CipherState(key, ck), w), CLOSE_PROTOCOL_ERROR);
    }
    assert.deepEqual(openMessage(new CipherState(key, ck), wire), m);
    void client;
  });

  it('a message cut at a chunk border fails (its last chunk was sealed as "more")', () => {
    const { client, relay } = handshakePair();
    const wire = client.seal(pattern(2 * MAX_CHUNK_PLAINTEXT));
    refuses(() => relay.open(wire.subarray(0, MAX_CHUNK)), CLOSE_PROTOCOL_ERROR, /chunk 1 of 1 fails/);
  });

  it('truncated or extended messages fail', () => {
    const { client } = handshakePair();
    const key = new Uint8Array(32).fill(3);
    const ck = new Uint8Array(32).fill(4);
    const m = pattern(MAX_CHUNK_PLAINTEXT + 10);
    const wire = sealMessage(new CipherState(key, ck), m);
    for (const len of [wire.length - 1, wire.length - 10, MAX_CHUNK + 17, MAX_CHUNK - 1, 17]) {
      refuses(() => openMessage(new CipherState(key, ck), wire.subarray(0, len)), CLOSE_PROTOCOL_ERROR);
    }
    refuses(() => openMessage(new CipherState(key, ck), Uint8Array.from([...wire, 0])), CLOSE_PROTOCOL_ERROR);
    void client;
  });

  it('chunks swapped between messages fail', () => {
    const { client, relay } = handshakePair();
    const a = client.seal(pattern(10));
    const b = client.seal(pattern(10));
    refuses(() => relay.open(b), CLOSE_PROTOCOL_ERROR);
    assert.ok(a.length > 0);
  });

  it('empty plaintext: refused to send, refused on receipt', () => {
    const { client, relay } = handshakePair();
    assert.throws(() => client.seal(new Uint8Array(0)), RangeError);
    refuses(() => relay.open(new Uint8Array(0)), CLOSE_PROTOCOL_ERROR, /empty/);
    // A lone sealed empty chunk (16 bytes) is an empty message too.
    const key = new Uint8Array(32).fill(5);
    const ck = new Uint8Array(32).fill(6);
    const emptyChunk = new CipherState(key, ck).encrypt(Uint8Array.of(1), new Uint8Array(0));
    refuses(() => openMessage(new CipherState(key, ck), emptyChunk), CLOSE_PROTOCOL_ERROR, /empty/);
    for (let n = 1; n < TAG_SIZE; n++) refuses(() => relay.open(new Uint8Array(n)), CLOSE_PROTOCOL_ERROR);
  });

  it('a full chunk followed by an empty last chunk is refused', () => {
    const key = new Uint8Array(32).fill(5);
    const ck = new Uint8Array(32).fill(6);
    const cs = new CipherState(key, ck);
    const wire = new Uint8Array([...cs.encrypt(Uint8Array.of(0), pattern(MAX_CHUNK_PLAINTEXT)), ...cs.encrypt(Uint8Array.of(1), new Uint8Array(0))]);
    refuses(() => openMessage(new CipherState(key, ck), wire), CLOSE_PROTOCOL_ERROR, /carries no data/);
  });

  it('over the size limit closes with 1009 before any decryption', () => {
    const { client, relay } = handshakePair({ maxMessageSize: 100_000 });
    refuses(() => relay.open(client.seal(pattern(100_001))), CLOSE_TOO_BIG, /100001 bytes/);
    const fresh = handshakePair({ maxMessageSize: 100_000 });
    assert.equal(fresh.relay.open(fresh.client.seal(pattern(100_000))).length, 100_000);
  });

  it('text: UTF-8 round trip, invalid UTF-8 closes with 1007', () => {
    const { client, relay } = handshakePair();
    const s = '["EVENT",{"content":"héllo 🌍 \\u2028"}]';
    assert.equal(relay.openText(client.sealText(s)), s);
    refuses(() => relay.openText(client.seal(Uint8Array.of(0xff, 0xfe))), CLOSE_INVALID_UTF8);
  });
});
