// NIP-45 HyperLogLog in COUNT answers: the registers each relay sends equal the ones
// this test computes from the NIP's text alone, and two relays' answers merge into
// the registers of the union of their events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { runWsn, tempDir } from './tools_lib.mjs';
import { startRelay } from './lib/relay.mjs';

const now = () => Math.floor(Date.now() / 1000);

// NIP-45 "offset computation" for a first tag value.
function offsetOf(value) {
  let hex = value;
  if (!/^[0-9a-f]{64}$/.test(value)) {
    const parts = value.split(':');
    hex = parts.length >= 3 && /^[0-9a-f]{64}$/.test(parts[1]) ? parts[1]
      : createHash('sha256').update(value).digest('hex');
  }
  return parseInt(hex[32], 16) + 8;
}

// NIP-45 "algorithm": register pubkey[offset] keeps the largest 1 + leading zero bits after it.
function registersOf(pubkeys, offset) {
  const reg = new Uint8Array(256);
  for (const pk of pubkeys) {
    const b = Buffer.from(pk, 'hex');
    let zeros = 0;  // in the 56 bits after the index byte (as the reference implementations read)
    while (zeros < 56 && !(b[offset + 1 + (zeros >> 3)] & (0x80 >> (zeros & 7)))) zeros++;
    reg[b[offset]] = Math.max(reg[b[offset]], zeros + 1);
  }
  return Buffer.from(reg).toString('hex');
}

const mergeHex = (a, b) => Buffer.from(Buffer.from(a, 'hex').map((x, i) => Math.max(x, Buffer.from(b, 'hex')[i]))).toString('hex');

test('COUNT answers carry the NIP-45 registers, and two relays merge into the union', async () => {
  const target = finalizeEvent({ kind: 1, created_at: now() - 100, tags: [], content: 'liked' }, generateSecretKey());
  const keys = Array.from({ length: 60 }, () => generateSecretKey());
  const reaction = (sk, i) => finalizeEvent({ kind: 7, created_at: now() - i, tags: [['e', target.id]], content: '+' }, sk);
  const a = keys.slice(0, 40).map(reaction);
  const b = keys.slice(20).map(reaction);
  // not counted: another kind, another target
  const noise = [finalizeEvent({ kind: 1, created_at: now(), tags: [['e', target.id]], content: 'reply' }, keys[0]),
    finalizeEvent({ kind: 7, created_at: now(), tags: [['e', 'f'.repeat(64)]], content: '+' }, keys[1])];

  const dirs = [tempDir(), tempDir()];
  const relays = [];
  try {
    for (const [dir, evs] of [[dirs[0], [...a, ...noise]], [dirs[1], b]]) {
      const imp = await runWsn(['import', '-', '--data', dir], { input: evs.map((e) => JSON.stringify(e)).join('\n') + '\n' });
      assert.equal(imp.code, 0, imp.stderr);
      relays.push(await startRelay({ dataDir: dir }));
    }
    const res = await runWsn(['count', relays[0].wsUrl, relays[1].wsnUrl, '--kind', '7', '--tag', `e=${target.id}`]);
    assert.equal(res.code, 0, res.stderr);
    // Lines come in the order the relays answer: pick each by its relay.
    const ra = res.json().find((l) => l.relay === relays[0].wsUrl);
    const rb = res.json().find((l) => l.relay === relays[1].wsnUrl);
    const offset = offsetOf(target.id);
    assert.equal(ra.count, 40);
    assert.equal(rb.count, 40);
    assert.equal(ra.hll, registersOf(a.map((e) => e.pubkey), offset));
    assert.equal(rb.hll, registersOf(b.map((e) => e.pubkey), offset));
    const union = keys.map((k) => getPublicKey(k));
    assert.equal(mergeHex(ra.hll, rb.hll), registersOf(union, offset));

    // Not eligible (two values: which is "first" is not kept): a count without hll.
    const two = await runWsn(['count', relays[0].wsUrl, '--kind', '7', '--tag', `e=${target.id}`, '--tag', `e=${'f'.repeat(64)}`]);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.json()[0].count, 41);
    assert.equal(two.json()[0].hll, undefined);
  } finally {
    for (const r of relays) await r.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
