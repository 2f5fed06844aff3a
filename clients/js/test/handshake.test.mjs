// The wsn handshake (prologue wsn.v1) between two in-memory peers: agreement,
// odd-y relay keys, the client's key as the relay learns it, and every
// truncation and bit flip of each act failing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { compressedPublicKey, evenYSecret, HandshakeError, Initiator, liftX, randomSecretKey, Responder } from '../dist/index.js';
import { hex } from './support/vectors.mjs';
import { handshakePair } from './support/session.mjs';

function secretWithParity(prefix) {
  for (;;) {
    const sk = randomSecretKey();
    if (compressedPublicKey(sk)[0] === prefix) return sk;
  }
}

describe('wsn handshake', () => {
  it('both sides agree on keys and handshake hash', () => {
    const { clientKeys, relayKeys } = handshakePair();
    assert.equal(hex(clientKeys.sendKey), hex(relayKeys.recvKey));
    assert.equal(hex(clientKeys.recvKey), hex(relayKeys.sendKey));
    assert.equal(hex(clientKeys.ck), hex(relayKeys.ck));
    assert.equal(hex(clientKeys.handshakeHash), hex(relayKeys.handshakeHash));
    assert.notEqual(hex(clientKeys.sendKey), hex(clientKeys.recvKey));
  });

  it('a relay key with odd y works through its npub lifted to even y', () => {
    const relaySecret = secretWithParity(0x03);
    const { clientKeys, relayKeys } = handshakePair({ relaySecret });
    assert.equal(hex(clientKeys.sendKey), hex(relayKeys.recvKey));
    assert.equal(hex(clientKeys.remoteStatic), '02' + hex(compressedPublicKey(relaySecret).subarray(1)));
    assert.equal(compressedPublicKey(evenYSecret(relaySecret))[0], 0x02);
  });

  it('the relay learns the client static key, x-only equal to its Nostr pubkey, either parity', () => {
    for (const prefix of [0x02, 0x03]) {
      const clientSecret = secretWithParity(prefix);
      const { relayKeys } = handshakePair({ clientSecret });
      assert.equal(hex(relayKeys.remoteStatic.subarray(1)), hex(secp256k1.getPublicKey(clientSecret, true).subarray(1)));
      assert.equal(relayKeys.remoteStatic[0], prefix);
    }
  });

  it('the lightning prologue does not interoperate with wsn.v1', () => {
    const relaySecret = evenYSecret(randomSecretKey());
    const init = new Initiator(compressedPublicKey(relaySecret), randomSecretKey(), { prologue: 'lightning' });
    const resp = new Responder(relaySecret);
    assert.throws(() => resp.readActOne(init.writeActOne()), (e) => e instanceof HandshakeError && e.code === 'ACT1_BAD_TAG');
  });

  it('a wrong relay key fails act one at the responder', () => {
    const relaySecret = evenYSecret(randomSecretKey());
    const other = liftX(compressedPublicKey(randomSecretKey()).subarray(1));
    const init = new Initiator(other, randomSecretKey());
    const resp = new Responder(relaySecret);
    assert.throws(() => resp.readActOne(init.writeActOne()), (e) => e.code === 'ACT1_BAD_TAG');
  });

  it('every truncation, an extension and bit flips of each act fail', () => {
    const relaySecret = evenYSecret(randomSecretKey());
    const [cs, ce, re] = [randomSecretKey(), randomSecretKey(), randomSecretKey()];
    // Fixed ephemerals make every run identical, so a recorded act can be mutated and replayed.
    const pair = () => ({
      i: new Initiator(compressedPublicKey(relaySecret), cs, { ephemeralSecret: ce }),
      r: new Responder(relaySecret, { ephemeralSecret: re }),
    });
    const p = pair();
    const act1 = p.i.writeActOne();
    p.r.readActOne(act1);
    const act2 = p.r.writeActTwo();
    p.i.readActTwo(act2);
    const { act: act3 } = p.i.writeActThree();

    const mutations = (act) => {
      const out = [];
      for (let n = 0; n < act.length; n++) out.push(act.subarray(0, n));
      out.push(Uint8Array.from([...act, 0]));
      // Every bit of the version byte and the key prefix, then one bit in every other byte
      // (all bits everywhere is ~1300 handshakes: too slow for pure-JS curve math).
      const flips = [];
      for (let bit = 0; bit < 16; bit++) flips.push(bit);
      for (let byte = 2; byte < act.length; byte++) flips.push(byte * 8 + (byte % 8));
      for (const bit of flips) {
        const b = Uint8Array.from(act);
        b[bit >> 3] ^= 1 << (bit & 7);
        out.push(b);
      }
      return out;
    };
    const isHandshakeError = (e) => e instanceof HandshakeError;
    for (const bad of mutations(act1)) {
      assert.throws(() => pair().r.readActOne(bad), isHandshakeError);
    }
    for (const bad of mutations(act2)) {
      const q = pair();
      q.i.writeActOne();
      assert.throws(() => q.i.readActTwo(bad), isHandshakeError);
      assert.equal(q.i.state, 'failed');
    }
    for (const bad of mutations(act3)) {
      const q = pair();
      q.r.readActOne(act1);
      q.r.writeActTwo();
      assert.throws(() => q.r.readActThree(bad), isHandshakeError);
      assert.equal(q.r.state, 'failed');
    }
    // And the unmutated replay still succeeds.
    const q = pair();
    q.r.readActOne(act1);
    q.r.writeActTwo();
    assert.equal(hex(q.r.readActThree(act3).remoteStatic), hex(compressedPublicKey(cs)));
  });

  it('acts out of order are API misuse, not remote errors', () => {
    const relaySecret = evenYSecret(randomSecretKey());
    const i = new Initiator(compressedPublicKey(relaySecret), randomSecretKey());
    assert.throws(() => i.readActTwo(new Uint8Array(50)), /readActTwo\(\) called in state start/);
    const r = new Responder(relaySecret);
    assert.throws(() => r.writeActTwo(), /called in state start/);
  });
});
