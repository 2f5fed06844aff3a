// BOLT 8 Appendix A vectors (prologue "lightning") against the handshake and
// cipher state: every initiator and responder case including the failures, and
// the message test across two key rotations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CipherState, HandshakeError, Initiator, Responder, ROTATE_AFTER } from '../dist/index.js';
import { hex, loadJson, unhex } from './support/vectors.mjs';

const bolt8 = loadJson('bolt8.json');
const prologue = bolt8.constants.prologue_ascii;

function expectHandshakeError(fn, expected) {
  const [code, version] = expected.split(' ');
  assert.throws(fn, (e) => {
    assert.ok(e instanceof HandshakeError, `expected HandshakeError, got ${e}`);
    assert.equal(e.code, code);
    if (version !== undefined) assert.match(e.message, new RegExp(`version ${version}\\b`));
    return true;
  });
}

describe('BOLT 8 initiator vectors', () => {
  assert.equal(bolt8.initiator.length, 5);
  for (const v of bolt8.initiator) {
    it(v.name, () => {
      const init = new Initiator(unhex(v.rs_pub), unhex(v.ls_priv), { prologue, ephemeralSecret: unhex(v.e_priv) });
      assert.equal(hex(init.writeActOne()), v.act1_output);
      if (v.expected_error) {
        expectHandshakeError(() => init.readActTwo(unhex(v.act2_input)), v.expected_error);
        assert.equal(init.state, 'failed');
        assert.throws(() => init.writeActThree(), /state failed/);
        return;
      }
      init.readActTwo(unhex(v.act2_input));
      const { act, keys } = init.writeActThree();
      assert.equal(hex(act), v.act3_output);
      assert.equal(hex(keys.sendKey), v.sk);
      assert.equal(hex(keys.recvKey), v.rk);
      assert.equal(hex(keys.ck), bolt8.message.ck);
      assert.equal(hex(keys.handshakeHash), v.trace_from_spec_comments.act3.h);
      assert.equal(hex(keys.remoteStatic), v.rs_pub);
    });
  }
});

describe('BOLT 8 responder vectors', () => {
  assert.equal(bolt8.responder.length, 10);
  for (const v of bolt8.responder) {
    it(v.name, () => {
      const resp = new Responder(unhex(v.ls_priv), { prologue, ephemeralSecret: unhex(v.e_priv) });
      const error = v.expected_error ?? '';
      if (error.startsWith('ACT1')) {
        expectHandshakeError(() => resp.readActOne(unhex(v.act1_input)), error);
        assert.equal(resp.state, 'failed');
        return;
      }
      resp.readActOne(unhex(v.act1_input));
      assert.equal(hex(resp.writeActTwo()), v.act2_output);
      if (error) {
        expectHandshakeError(() => resp.readActThree(unhex(v.act3_input)), error);
        assert.equal(resp.state, 'failed');
        return;
      }
      const keys = resp.readActThree(unhex(v.act3_input));
      assert.equal(hex(keys.sendKey), v.sk);
      assert.equal(hex(keys.recvKey), v.rk);
      assert.equal(hex(keys.remoteStatic), v.trace_from_spec_comments.act3.rs);
      assert.equal(hex(keys.handshakeHash), v.trace_from_spec_comments.act3.h);
    });
  }
});

describe('BOLT 8 message encryption', () => {
  const m = bolt8.message;
  // BOLT 8 sends each message as two encryptions: the 2-byte length, then the body.
  function boltSend(cs, body) {
    const len = new Uint8Array([body.length >> 8, body.length & 0xff]);
    const empty = new Uint8Array(0);
    return hex(cs.encrypt(empty, len)) + hex(cs.encrypt(empty, body));
  }

  it('outputs 0, 1, 500, 501, 1000, 1001 across two rotations', () => {
    const cs = new CipherState(unhex(m.sk), unhex(m.ck));
    const want = new Map(m.outputs.map((o) => [o.index, o.ciphertext]));
    const body = unhex(m.plaintext_hex);
    const last = Math.max(...want.keys());
    for (let i = 0; i <= last; i++) {
      const c = boltSend(cs, body);
      if (want.has(i)) assert.equal(c, want.get(i), `message ${i}`);
    }
    assert.equal(want.size, 6);
  });

  it('the receiving side decrypts the same stream', () => {
    const send = new CipherState(unhex(m.sk), unhex(m.ck));
    const recv = new CipherState(unhex(m.sk), unhex(m.ck));
    const empty = new Uint8Array(0);
    for (let i = 0; i < 2 * ROTATE_AFTER + 5; i++) {
      const c = send.encrypt(empty, Uint8Array.of(i & 0xff));
      assert.deepEqual(recv.decrypt(empty, c), Uint8Array.of(i & 0xff));
    }
  });

  it('rotation: nonce counts 998, 999, then 0 with the key from HKDF(ck, k)', () => {
    const r = m.rotations[0];
    const cs = new CipherState(unhex(r.hkdf_ikm_k), unhex(r.hkdf_salt_ck));
    const empty = new Uint8Array(0);
    for (let i = 0; i < 998; i++) cs.encrypt(empty, empty);
    assert.equal(cs.nonce, 998);
    cs.encrypt(empty, empty);
    assert.equal(cs.nonce, 999);
    cs.encrypt(empty, empty);
    assert.equal(cs.nonce, 0);
    // The first encryption after the rotation equals one under the new key at nonce 0.
    const fresh = new CipherState(unhex(r.new_k), unhex(r.new_ck));
    assert.equal(hex(cs.encrypt(empty, unhex('68656c6c6f'))), hex(fresh.encrypt(empty, unhex('68656c6c6f'))));
    assert.equal(cs.nonce, 1);
  });

  it('a flipped bit fails to decrypt and does not advance the nonce', () => {
    const send = new CipherState(unhex(m.sk), unhex(m.ck));
    const recv = new CipherState(unhex(m.sk), unhex(m.ck));
    const c = send.encrypt(new Uint8Array(0), unhex(m.plaintext_hex));
    for (let bit = 0; bit < c.length * 8; bit++) {
      const bad = Uint8Array.from(c);
      bad[bit >> 3] ^= 1 << (bit & 7);
      assert.equal(recv.decrypt(new Uint8Array(0), bad), null);
      assert.equal(recv.nonce, 0);
    }
    assert.deepEqual(recv.decrypt(new Uint8Array(0), c), unhex(m.plaintext_hex));
  });
});
