// secp256k1 keys as wsn uses them: x-only Nostr keys lifted to even y (DESIGN §3),
// npub/nsec (NIP-19) and hex parsing. All curve work is @noble/curves.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';
import { bytesToHex, hexToBytes, isLowerHex } from './bytes.js';

const Fn = secp256k1.Point.Fn;

export function npubEncode(xonly: Uint8Array): string {
  return bech32.encode('npub', bech32.toWords(xonly), 1000);
}

// The point with even y whose x is `xonly`, compressed (02 || x).
// Throws if x is not on the curve.
export function liftX(xonly: Uint8Array): Uint8Array {
  if (xonly.length !== 32) throw new Error('x-only key must be 32 bytes');
  const p = new Uint8Array(33);
  p[0] = 0x02;
  p.set(xonly, 1);
  secp256k1.Point.fromBytes(p).assertValidity();
  return p;
}

function decodeBech32Key(s: string, want: 'npub' | 'nsec'): Uint8Array {
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(s as `${string}1${string}`, 1000);
  } catch (e) {
    const why = String((e as Error).message ?? e);
    if (/checksum/i.test(why)) throw new Error(`bad checksum in ${want}`);
    throw new Error(`bad ${want}: ${why}`);
  }
  if (decoded.prefix !== want) {
    throw new Error(`expected ${want}, got ${decoded.prefix}`);
  }
  const bytes = bech32.fromWords(decoded.words);
  if (bytes.length !== 32) throw new Error(`${want} must hold 32 bytes, got ${bytes.length}`);
  return bytes;
}

// Relay (or any public) key as written in an address: npub or 64 lowercase hex.
// Returns the 32-byte x coordinate, checked to be on the curve.
export function parsePublicKey(s: string): Uint8Array {
  let x: Uint8Array;
  if (/^npub1/i.test(s)) {
    x = decodeBech32Key(s, 'npub');
  } else if (/^nsec1/i.test(s)) {
    throw new Error('that is a secret key (nsec): an address needs the public key (npub)');
  } else if (isLowerHex(s, 64)) {
    x = hexToBytes(s);
  } else {
    throw new Error('key must be an npub or 64 lowercase hex characters');
  }
  try {
    liftX(x);
  } catch {
    throw new Error('key is not a point on secp256k1');
  }
  return x;
}

// The user's secret key: 64 hex, nsec, or 32 bytes. Returns a copy.
export function parseSecretKey(k: string | Uint8Array): Uint8Array {
  let sk: Uint8Array;
  if (typeof k !== 'string') {
    sk = Uint8Array.from(k);
  } else if (/^nsec1/i.test(k)) {
    sk = decodeBech32Key(k, 'nsec');
  } else if (/^[0-9a-fA-F]{64}$/.test(k)) {
    sk = hexToBytes(k.toLowerCase());
  } else {
    throw new Error('secret key must be 64 hex characters, an nsec, or 32 bytes');
  }
  if (!secp256k1.utils.isValidSecretKey(sk)) throw new Error('secret key is out of range for secp256k1');
  return sk;
}

export function randomSecretKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

export function compressedPublicKey(sk: Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(sk, true);
}

export function xOnlyHex(compressed: Uint8Array): string {
  return bytesToHex(compressed.subarray(1, 33));
}

// DESIGN §3: a relay whose key gives an odd-y point negates its secret, so its
// static point is the npub lifted to even y.
export function evenYSecret(sk: Uint8Array): Uint8Array {
  if (compressedPublicKey(sk)[0] === 0x02) return Uint8Array.from(sk);
  return Fn.toBytes(Fn.neg(Fn.fromBytes(sk)));
}

// A compressed point from the wire: 33 bytes, prefix 02/03, on the curve.
export function isValidCompressedPoint(p: Uint8Array): boolean {
  if (p.length !== 33 || (p[0] !== 0x02 && p[0] !== 0x03)) return false;
  try {
    secp256k1.Point.fromBytes(p).assertValidity();
    return true;
  } catch {
    return false;
  }
}

// ECDH as BOLT 8 and libsecp256k1 define it: SHA-256 of the compressed point k·P.
export function ecdh(sk: Uint8Array, pub: Uint8Array): Uint8Array {
  return sha256(secp256k1.getSharedSecret(sk, pub, true));
}
