// BOLT 8 primitives over @noble: HKDF split, AEAD with the BOLT 8 nonce, and the
// cipher state that rotates its key every 1000 encryptions.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

export { sha256 };

// BOLT 8: a key is rotated after it has been used this many times.
export const ROTATE_AFTER = 1000;

const EMPTY = new Uint8Array(0);

// 32 zero bits, then the counter as 64-bit little endian.
function nonce12(n: number): Uint8Array {
  const b = new Uint8Array(12);
  new DataView(b.buffer).setBigUint64(4, BigInt(n), true);
  return b;
}

// HKDF(salt, ikm) with empty info, 64 bytes, split into two 32-byte keys.
export function hkdf2(salt: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] {
  const out = hkdf(sha256, ikm, salt, EMPTY, 64);
  return [out.slice(0, 32), out.slice(32, 64)];
}

export function encryptWithAd(key: Uint8Array, n: number, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonce12(n), ad).encrypt(plaintext);
}

// Returns null when the tag does not verify.
export function decryptWithAd(key: Uint8Array, n: number, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  try {
    return chacha20poly1305(key, nonce12(n), ad).decrypt(ciphertext);
  } catch {
    return null;
  }
}

// One direction of the transport: key k, nonce n, chaining key ck.
// Every encrypt/decrypt uses one nonce; at 1000 the key rotates:
// ck', k' = HKDF(ck, k), n = 0.
export class CipherState {
  #key: Uint8Array;
  #ck: Uint8Array;
  #n = 0;

  constructor(key: Uint8Array, ck: Uint8Array) {
    this.#key = Uint8Array.from(key);
    this.#ck = Uint8Array.from(ck);
  }

  get nonce(): number {
    return this.#n;
  }

  encrypt(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const c = encryptWithAd(this.#key, this.#n, ad, plaintext);
    this.#advance();
    return c;
  }

  // Returns null on a bad tag; the nonce does not advance then (the caller closes).
  decrypt(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
    const p = decryptWithAd(this.#key, this.#n, ad, ciphertext);
    if (p) this.#advance();
    return p;
  }

  #advance(): void {
    this.#n += 1;
    if (this.#n === ROTATE_AFTER) {
      [this.#ck, this.#key] = hkdf2(this.#ck, this.#key);
      this.#n = 0;
    }
  }
}
