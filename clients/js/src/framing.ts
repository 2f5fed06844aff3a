// DESIGN §4: one WebSocket binary message carries one NIP-01 message, cut into
// chunks of at most 65519 plaintext bytes, each sealed with the next nonce of the
// sender's cipher state. The associated data is one byte: 0x00 when more chunks
// follow, 0x01 on the last. The receiver finds the chunk borders from the length
// alone (all chunks but the last are exactly 65535 bytes).
import { fromUtf8, utf8 } from './bytes.js';
import { CipherState } from './cipher.js';
import { FramingError } from './errors.js';
import type { SessionKeys } from './handshake.js';

export const MAX_CHUNK_PLAINTEXT = 65519;
export const TAG_SIZE = 16;
export const MAX_CHUNK = MAX_CHUNK_PLAINTEXT + TAG_SIZE; // 65535
// Plaintext limit for one received message unless the caller sets another.
export const DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024; // 1 MiB, as the C++ implementation

const AD_MORE = Uint8Array.of(0x00);
const AD_LAST = Uint8Array.of(0x01);

// Close codes (RFC 6455) for the ways a received message can be refused.
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_INVALID_UTF8 = 1007;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;

// Size on the wire of a message with `plaintextLength` bytes.
export function sealedLength(plaintextLength: number): number {
  return plaintextLength + TAG_SIZE * Math.max(1, Math.ceil(plaintextLength / MAX_CHUNK_PLAINTEXT));
}

// Seals one message with `cs`. Throws RangeError for an empty message (the wire forbids it).
export function sealMessage(cs: CipherState, plaintext: Uint8Array): Uint8Array {
  const n = plaintext.length;
  if (n === 0) throw new RangeError('wsn cannot carry an empty message');
  const chunks = Math.ceil(n / MAX_CHUNK_PLAINTEXT);
  const out = new Uint8Array(n + TAG_SIZE * chunks);
  for (let i = 0; i < chunks; i++) {
    const part = plaintext.subarray(i * MAX_CHUNK_PLAINTEXT, Math.min(n, (i + 1) * MAX_CHUNK_PLAINTEXT));
    out.set(cs.encrypt(i === chunks - 1 ? AD_LAST : AD_MORE, part), i * MAX_CHUNK);
  }
  return out;
}

// Opens one received message with `cs`. Throws FramingError (with its close code)
// when the message must close the connection; nothing of it is returned then.
export function openMessage(cs: CipherState, message: Uint8Array, maxSize = DEFAULT_MAX_MESSAGE_SIZE): Uint8Array {
  const len = message.length;
  if (len === 0) throw new FramingError(CLOSE_PROTOCOL_ERROR, 'empty message');
  const chunks = Math.ceil(len / MAX_CHUNK);
  const lastLen = len - (chunks - 1) * MAX_CHUNK;
  // A last chunk must hold at least one byte: a lone empty chunk is an empty
  // message, and a sender never ends on an empty chunk after a full one.
  if (lastLen <= TAG_SIZE) {
    throw new FramingError(CLOSE_PROTOCOL_ERROR,
      chunks === 1 ? 'empty message' : `last chunk of ${lastLen} bytes carries no data`);
  }
  const size = len - TAG_SIZE * chunks;
  if (size > maxSize) throw new FramingError(CLOSE_TOO_BIG, `message of ${size} bytes is over the limit of ${maxSize}`);
  const out = new Uint8Array(size);
  for (let i = 0; i < chunks; i++) {
    const last = i === chunks - 1;
    const chunk = message.subarray(i * MAX_CHUNK, last ? len : (i + 1) * MAX_CHUNK);
    const p = cs.decrypt(last ? AD_LAST : AD_MORE, chunk);
    if (!p) throw new FramingError(CLOSE_PROTOCOL_ERROR, `chunk ${i + 1} of ${chunks} fails authentication`);
    out.set(p, i * MAX_CHUNK_PLAINTEXT);
  }
  return out;
}

// Both directions of an established session, carrying NIP-01 text.
export class Transport {
  readonly #send: CipherState;
  readonly #recv: CipherState;
  readonly maxMessageSize: number;

  constructor(keys: SessionKeys, maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE) {
    this.#send = new CipherState(keys.sendKey, keys.ck);
    this.#recv = new CipherState(keys.recvKey, keys.ck);
    this.maxMessageSize = maxMessageSize;
  }

  seal(plaintext: Uint8Array): Uint8Array {
    return sealMessage(this.#send, plaintext);
  }

  open(message: Uint8Array): Uint8Array {
    return openMessage(this.#recv, message, this.maxMessageSize);
  }

  sealText(text: string): Uint8Array {
    return this.seal(utf8(text));
  }

  // Throws FramingError; invalid UTF-8 closes with 1007.
  openText(message: Uint8Array): string {
    const bytes = this.open(message);
    try {
      return fromUtf8(bytes);
    } catch {
      throw new FramingError(CLOSE_INVALID_UTF8, 'message is not valid UTF-8');
    }
  }
}
