// wsn:// and wsns:// addresses (DESIGN §1): parsing, defaults, canonical form,
// the carrier URL, and errors that name the part that is wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carrierUrl, formatWsnAddress, isKeyOnly, parseWsnAddress, WsnAddressError, parsePublicKey, parseSecretKey } from '../dist/index.js';
import { hex, loadJson } from './support/vectors.mjs';

const nip19 = loadJson('nip19.json');
const npubVector = nip19.valid.find((v) => v.decoded.hrp === 'npub');
const NPUB = npubVector.bech32;
const HEX = npubVector.decoded.hex;

function rejects(url, re) {
  assert.throws(() => parseWsnAddress(url), (e) => e instanceof WsnAddressError && re.test(e.message), url);
}

describe('wsn addresses', () => {
  it('NIP-19 npub vectors decode to their keys', () => {
    for (const v of nip19.valid.filter((x) => x.decoded.hrp === 'npub')) {
      assert.equal(hex(parsePublicKey(v.bech32)), v.decoded.hex);
    }
  });

  it('IPv4 with port and npub', () => {
    const a = parseWsnAddress(`wsn://${NPUB}@203.0.113.5:8443`);
    assert.equal(a.scheme, 'wsn');
    assert.equal(hex(a.relayKey), HEX);
    assert.equal(a.npub, NPUB);
    assert.equal(a.host, '203.0.113.5');
    assert.equal(a.port, 8443);
    assert.equal(a.path, '/');
    assert.equal(carrierUrl(a), 'ws://203.0.113.5:8443/');
    assert.equal(formatWsnAddress(a), `wsn://${NPUB}@203.0.113.5:8443`);
  });

  it('hex key on input, npub in canonical form', () => {
    const a = parseWsnAddress(`wsn://${HEX}@relay.example.com:8443`);
    assert.equal(formatWsnAddress(a), `wsn://${NPUB}@relay.example.com:8443`);
  });

  it('default ports 80 / 443, omitted when formatting', () => {
    const a = parseWsnAddress(`wsn://${NPUB}@relay.example.com`);
    assert.equal(a.port, 80);
    assert.equal(carrierUrl(a), 'ws://relay.example.com:80/');
    const b = parseWsnAddress(`wsns://${NPUB}@relay.example.com:443/nostr?x=1`);
    assert.equal(b.port, 443);
    assert.equal(b.path, '/nostr?x=1');
    assert.equal(carrierUrl(b), 'wss://relay.example.com:443/nostr?x=1');
    assert.equal(formatWsnAddress(b), `wsns://${NPUB}@relay.example.com/nostr?x=1`);
    assert.equal(formatWsnAddress(parseWsnAddress(`wsn://${NPUB}@h.example:80`)), `wsn://${NPUB}@h.example`);
  });

  it('IPv6 in brackets, lowercased', () => {
    const a = parseWsnAddress(`wsn://${NPUB}@[2001:DB8::1]:8443`);
    assert.equal(a.host, '2001:db8::1');
    assert.equal(formatWsnAddress(a), `wsn://${NPUB}@[2001:db8::1]:8443`);
    assert.equal(carrierUrl(a), 'ws://[2001:db8::1]:8443/');
    assert.equal(parseWsnAddress(`wsns://${NPUB}@[::1]`).port, 443);
  });

  it('host and scheme are lowercased', () => {
    const a = parseWsnAddress(`WSN://${NPUB}@Relay.Example.COM:7000/`);
    assert.equal(formatWsnAddress(a), `wsn://${NPUB}@relay.example.com:7000`);
  });

  it('v3 onion names', () => {
    const onion = 'a'.repeat(52) + 'bcdd.onion';
    assert.equal(parseWsnAddress(`wsn://${NPUB}@${onion}:8443`).host, onion);
    rejects(`wsn://${NPUB}@abcdef.onion:8443`, /v3/);
  });

  it('errors name the part that is wrong', () => {
    const badChecksum = NPUB.slice(0, -1) + (NPUB.endsWith('q') ? 'p' : 'q');
    rejects(`wsn://${badChecksum}@1.2.3.4:80`, /bad checksum in npub/);
    rejects(`wsn://${NPUB}@2001:db8::1:8443`, /IPv6 literal needs brackets/);
    rejects(`wsn://${NPUB}@1.2.3.4:70000`, /port 70000 out of range/);
    rejects(`wsn://${NPUB}@1.2.3.4:0`, /port 0 out of range/);
    rejects(`wsn://${NPUB}@1.2.3.4:8x`, /port 8x is not a number/);
    rejects(`wsn://${NPUB}@1.2.3.4:`, /empty port/);
    rejects(`wsn://1.2.3.4:80`, /missing relay key/);
    rejects(`wsn://@1.2.3.4:80`, /missing relay key/);
    rejects(`wsn://${NPUB}@:80`, /missing host/);
    rejects(`ws://${NPUB}@1.2.3.4`, /scheme ws is not wsn or wsns/);
    rejects(`wsn://${HEX.toUpperCase()}@1.2.3.4`, /npub or 64 lowercase hex/);
    rejects(`wsn://${HEX.slice(2)}@1.2.3.4`, /npub or 64 lowercase hex/);
    rejects(`wsn://${NPUB}@[2001:db8::1`, /closing "]"/);
    rejects(`wsn://${NPUB}@[zz::1]:80`, /bad IPv6 literal/);
    rejects(`wsn://${NPUB}@300.1.2.3`, /bad IPv4 address/);
    rejects(`wsn://${NPUB}@bad_host.example`, /bad host name/);
    rejects(`wsn://${NPUB}@1.2.3.4/#frag`, /fragment/);
    const nsec = nip19.valid.find((v) => v.decoded.hrp === 'nsec');
    rejects(`wsn://${nsec.bech32}@1.2.3.4`, /secret key/);
    // x = 0 is not on the curve (0^3 + 7 is not a square mod p).
    rejects(`wsn://${'0'.repeat(64)}@1.2.3.4`, /not a point on secp256k1/);
  });

  it('key-only: wsn://npub1… and wsns://<hex> with no host', () => {
    const a = parseWsnAddress(`wsn://${NPUB}`);
    assert.ok(isKeyOnly(a));
    assert.equal(hex(a.relayKey), HEX);
    assert.equal(formatWsnAddress(a), `wsn://${NPUB}`);
    assert.equal(formatWsnAddress(parseWsnAddress(`wsns://${HEX}/nostr`)), `wsns://${NPUB}/nostr`);
    assert.ok(!isKeyOnly(parseWsnAddress(`wsn://${NPUB}@1.2.3.4`)));
    rejects(`wsn://${NPUB.slice(0, -1)}q`, /checksum|invalid/i);
  });

  it('secret keys: hex, nsec, bytes; out of range refused', () => {
    const nsec = nip19.valid.find((v) => v.decoded.hrp === 'nsec');
    assert.equal(hex(parseSecretKey(nsec.bech32)), nsec.decoded.hex);
    assert.equal(hex(parseSecretKey(nsec.decoded.hex)), nsec.decoded.hex);
    assert.throws(() => parseSecretKey('0'.repeat(64)), /out of range/);
    assert.throws(() => parseSecretKey('xyz'), /64 hex/);
  });
});
