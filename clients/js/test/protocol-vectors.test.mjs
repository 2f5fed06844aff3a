// Cross-implementation check: the wsn.v1 vectors that the C++ implementation
// generated (tests/noise/wsn_v1_vectors.json, docs/protocol.md §9) reproduced by
// this package byte for byte: odd-y relay key, the three acts, transport keys,
// and the sealed messages including a rotation inside a two-chunk message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { CipherState, compressedPublicKey, evenYSecret, Initiator, liftX, openMessage, Responder, sealMessage,
  MAX_CHUNK } from '../dist/index.js';
import { hex, unhex } from './support/vectors.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const v = JSON.parse(readFileSync(resolve(here, '../../../tests/noise/wsn_v1_vectors.json'), 'utf8'));
const k = v.keys;

function rule(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
}
const text = (s) => new TextEncoder().encode(s);

describe('wsn.v1 vectors from the C++ implementation', () => {
  it('keys: the odd-y relay secret is negated; its point is the npub lifted to even y', () => {
    assert.equal(v.prologue_ascii, 'wsn.v1');
    const used = evenYSecret(unhex(k.relay_secret));
    assert.equal(hex(used), k.relay_secret_used);
    assert.equal(hex(compressedPublicKey(used)), k.relay_static_pub);
    assert.equal(hex(liftX(unhex(k.relay_npub_hex))), k.relay_static_pub);
    assert.equal(hex(compressedPublicKey(unhex(k.client_secret))), k.client_static_pub);
  });

  it('handshake: the same three acts and transport keys from both sides', () => {
    const init = new Initiator(liftX(unhex(k.relay_npub_hex)), unhex(k.client_secret), {
      ephemeralSecret: unhex(k.client_ephemeral_secret),
    });
    const resp = new Responder(evenYSecret(unhex(k.relay_secret)), { ephemeralSecret: unhex(k.relay_ephemeral_secret) });
    const a1 = init.writeActOne();
    assert.equal(hex(a1), v.act_one.bytes);
    resp.readActOne(a1);
    const a2 = resp.writeActTwo();
    assert.equal(hex(a2), v.act_two.bytes);
    init.readActTwo(a2);
    const { act: a3, keys: ck } = init.writeActThree();
    assert.equal(hex(a3), v.act_three.bytes);
    const rk = resp.readActThree(a3);
    assert.equal(hex(ck.handshakeHash), v.act_three.h);
    assert.equal(hex(ck.ck), v.transport.ck);
    assert.equal(hex(ck.sendKey), v.transport.client_send_key);
    assert.equal(hex(ck.recvKey), v.transport.relay_send_key);
    assert.equal(hex(rk.sendKey), v.transport.relay_send_key);
    assert.equal(hex(rk.remoteStatic.subarray(1)), k.client_xonly);
  });

  it('transport: every sealed client message in order, and the relay reply', () => {
    const m = v.messages;
    const send = new CipherState(unhex(v.transport.client_send_key), unhex(v.transport.ck));
    const recv = new CipherState(unhex(v.transport.client_send_key), unhex(v.transport.ck));
    const roundTrip = (plaintext) => {
      const sealed = sealMessage(send, plaintext);
      assert.deepEqual(openMessage(recv, sealed, 1 << 20), plaintext);
      return sealed;
    };
    const checkChunks = (sealed, spec) => {
      assert.equal(sealed.length, spec.sealed_length);
      assert.equal(hex(sha256(sealed)), spec.sealed_sha256);
      let off = 0;
      for (const c of spec.chunks) {
        const chunk = sealed.subarray(off, off + c.length);
        assert.equal(hex(sha256(chunk)), c.sha256);
        assert.equal(hex(chunk.subarray(chunk.length - 16)), c.tag);
        off += c.length;
      }
      assert.ok(spec.chunks.slice(0, -1).every((c) => c.length === MAX_CHUNK));
    };

    assert.equal(send.nonce, m.client_one_chunk.nonce);
    assert.equal(hex(roundTrip(text(m.client_one_chunk.plaintext_ascii))), m.client_one_chunk.sealed);

    assert.equal(send.nonce, m.client_three_chunks.first_nonce);
    const three = rule(m.client_three_chunks.plaintext_length);
    assert.equal(hex(sha256(three)), m.client_three_chunks.plaintext_sha256);
    checkChunks(roundTrip(three), m.client_three_chunks);

    for (let i = 0; i < m.client_filler.count; i++) roundTrip(text(m.client_filler.plaintext_ascii));

    assert.equal(send.nonce, m.client_rotation_inside.first_nonce);
    const rot = rule(m.client_rotation_inside.plaintext_length);
    checkChunks(roundTrip(rot), m.client_rotation_inside);
    // The rotated state equals a fresh one from the vector's rotated ck and key at nonce 0, used once.
    const fresh = new CipherState(unhex(m.client_rotation_inside.rotated_key), unhex(m.client_rotation_inside.rotated_ck));
    fresh.encrypt(Uint8Array.of(1), rot.subarray(65519));

    assert.equal(send.nonce, m.client_after_rotation.nonce);
    const afterPt = text(m.client_after_rotation.plaintext_ascii);
    assert.equal(hex(sealMessage(fresh, afterPt)), m.client_after_rotation.sealed);
    assert.equal(hex(roundTrip(afterPt)), m.client_after_rotation.sealed);

    const relay = new CipherState(unhex(v.transport.relay_send_key), unhex(v.transport.ck));
    assert.equal(hex(sealMessage(relay, text(m.relay_one_chunk.plaintext_ascii))), m.relay_one_chunk.sealed);
  });
});
