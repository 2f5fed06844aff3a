// Small byte helpers shared by the core. Hex and UTF-8 only; no crypto here.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, hexToBytes };

const encoder = new TextEncoder();
// fatal: a peer's invalid UTF-8 is an error, not silently replaced text.
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

// Throws TypeError on invalid UTF-8.
export function fromUtf8(b: Uint8Array): string {
  return strictDecoder.decode(b);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function isLowerHex(s: string, length: number): boolean {
  return s.length === length && /^[0-9a-f]*$/.test(s);
}

// Accepts what WebSocket implementations hand over for a binary message.
export function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}
