// Noise_XK_secp256k1_ChaChaPoly_SHA256 exactly as BOLT 8 runs it, with the
// prologue as a parameter: "wsn.v1" for wsn (DESIGN §3), "lightning" for the
// BOLT 8 test vectors.
//
//   XK:  <- s
//        ...
//        -> e, es          act one   50 bytes  0 || e.pub || tag
//        <- e, ee          act two   50 bytes  0 || e.pub || tag
//        -> s, se          act three 66 bytes  0 || enc(s.pub) || tag
//
// Each read works on local copies of h and ck and commits them only after every
// check passed, so a failed act leaves nothing half-updated (the state is `failed`).
import { concat, utf8 } from './bytes.js';
import { decryptWithAd, encryptWithAd, hkdf2, sha256 } from './cipher.js';
import { HandshakeError, type HandshakeErrorCode } from './errors.js';
import { compressedPublicKey, ecdh, isValidCompressedPoint, randomSecretKey } from './keys.js';

export const PROTOCOL_NAME = 'Noise_XK_secp256k1_ChaChaPoly_SHA256';
export const WSN_PROLOGUE = 'wsn.v1';
export const ACT_ONE_SIZE = 50;
export const ACT_TWO_SIZE = 50;
export const ACT_THREE_SIZE = 66;
const VERSION = 0;
const EMPTY = new Uint8Array(0);

// What a finished handshake yields for the transport (DESIGN §4).
export interface SessionKeys {
  sendKey: Uint8Array;
  recvKey: Uint8Array;
  ck: Uint8Array; // both directions' chaining keys start here
  remoteStatic: Uint8Array; // 33-byte compressed static key of the peer
  handshakeHash: Uint8Array;
}

export interface HandshakeOptions {
  prologue?: string | Uint8Array; // default "wsn.v1"
  ephemeralSecret?: Uint8Array; // for test vectors only; default random
}

function mix(h: Uint8Array, data: Uint8Array): Uint8Array {
  return sha256(concat(h, data));
}

// h0 = ck0 = SHA-256(protocol name); h = SHA-256(h || prologue); h = SHA-256(h || rs).
function initialState(prologue: string | Uint8Array, responderStatic: Uint8Array) {
  const ck = sha256(utf8(PROTOCOL_NAME));
  const p = typeof prologue === 'string' ? utf8(prologue) : prologue;
  const h = mix(mix(ck, p), responderStatic);
  return { h, ck };
}

const ACT_NAMES = { 1: 'act one', 2: 'act two', 3: 'act three' } as const;

// Length and version checks shared by all three acts, before any crypto runs.
function checkFrame(act: 1 | 2 | 3, msg: Uint8Array, size: number): void {
  const name = ACT_NAMES[act];
  if (msg.length !== size) {
    throw new HandshakeError(`ACT${act}_READ_FAILED` as HandshakeErrorCode,
      `${name}: expected ${size} bytes, got ${msg.length}`);
  }
  if (msg[0] !== VERSION) {
    throw new HandshakeError(`ACT${act}_BAD_VERSION` as HandshakeErrorCode,
      `${name}: unsupported version ${msg[0]} (only 0 is defined)`);
  }
}

type InitiatorState = 'start' | 'act1_sent' | 'act2_read' | 'done' | 'failed';

export class Initiator {
  #state: InitiatorState = 'start';
  #h: Uint8Array;
  #ck: Uint8Array;
  #tempK2: Uint8Array = EMPTY;
  readonly #rs: Uint8Array;
  readonly #s: Uint8Array;
  readonly #e: Uint8Array;
  #re: Uint8Array = EMPTY;

  // remoteStatic: the responder's 33-byte compressed key (for wsn: the npub lifted to even y).
  // localSecret: our static secret key (a fresh one for an anonymous session).
  constructor(remoteStatic: Uint8Array, localSecret: Uint8Array, opts: HandshakeOptions = {}) {
    if (!isValidCompressedPoint(remoteStatic)) throw new Error('responder static key is not a compressed secp256k1 point');
    this.#rs = Uint8Array.from(remoteStatic);
    this.#s = Uint8Array.from(localSecret);
    this.#e = opts.ephemeralSecret ? Uint8Array.from(opts.ephemeralSecret) : randomSecretKey();
    ({ h: this.#h, ck: this.#ck } = initialState(opts.prologue ?? WSN_PROLOGUE, this.#rs));
  }

  get state(): InitiatorState {
    return this.#state;
  }

  // -> e, es
  writeActOne(): Uint8Array {
    this.#expect('start', 'writeActOne');
    const ePub = compressedPublicKey(this.#e);
    let h = mix(this.#h, ePub);
    const [ck, tempK1] = hkdf2(this.#ck, ecdh(this.#e, this.#rs));
    const c = encryptWithAd(tempK1, 0, h, EMPTY);
    h = mix(h, c);
    this.#h = h;
    this.#ck = ck;
    this.#state = 'act1_sent';
    return concat(Uint8Array.of(VERSION), ePub, c);
  }

  // <- e, ee. Throws HandshakeError (ACT2_*) on a bad act; the handshake is then dead.
  readActTwo(msg: Uint8Array): void {
    this.#expect('act1_sent', 'readActTwo');
    this.#state = 'failed';
    checkFrame(2, msg, ACT_TWO_SIZE);
    const re = msg.slice(1, 34);
    const c = msg.subarray(34, 50);
    if (!isValidCompressedPoint(re)) throw new HandshakeError('ACT2_BAD_PUBKEY', 'act two: ephemeral key is not a valid secp256k1 point');
    let h = mix(this.#h, re);
    const [ck, tempK2] = hkdf2(this.#ck, ecdh(this.#e, re));
    if (!decryptWithAd(tempK2, 0, h, c)) throw new HandshakeError('ACT2_BAD_TAG', 'act two: authentication tag does not verify');
    h = mix(h, c);
    this.#h = h;
    this.#ck = ck;
    this.#tempK2 = tempK2;
    this.#re = re;
    this.#state = 'act2_read';
  }

  // -> s, se. Returns the act and the transport keys.
  writeActThree(): { act: Uint8Array; keys: SessionKeys } {
    this.#expect('act2_read', 'writeActThree');
    const sPub = compressedPublicKey(this.#s);
    const c = encryptWithAd(this.#tempK2, 1, this.#h, sPub);
    const h = mix(this.#h, c);
    const [ck, tempK3] = hkdf2(this.#ck, ecdh(this.#s, this.#re));
    const t = encryptWithAd(tempK3, 0, h, EMPTY);
    const [sk, rk] = hkdf2(ck, EMPTY);
    this.#state = 'done';
    return {
      act: concat(Uint8Array.of(VERSION), c, t),
      keys: { sendKey: sk, recvKey: rk, ck, remoteStatic: Uint8Array.from(this.#rs), handshakeHash: h },
    };
  }

  #expect(state: InitiatorState, what: string): void {
    if (this.#state !== state) throw new Error(`${what}() called in state ${this.#state}`);
  }
}

type ResponderState = 'start' | 'act1_read' | 'act2_sent' | 'done' | 'failed';

export class Responder {
  #state: ResponderState = 'start';
  #h: Uint8Array;
  #ck: Uint8Array;
  #tempK2: Uint8Array = EMPTY;
  readonly #s: Uint8Array;
  readonly #e: Uint8Array;
  #re: Uint8Array = EMPTY;

  // localSecret: the responder's static secret. Its compressed public key is what
  // initiators must know; wsn callers pass evenYSecret(relaySecret).
  constructor(localSecret: Uint8Array, opts: HandshakeOptions = {}) {
    this.#s = Uint8Array.from(localSecret);
    this.#e = opts.ephemeralSecret ? Uint8Array.from(opts.ephemeralSecret) : randomSecretKey();
    ({ h: this.#h, ck: this.#ck } = initialState(opts.prologue ?? WSN_PROLOGUE, compressedPublicKey(this.#s)));
  }

  get state(): ResponderState {
    return this.#state;
  }

  // -> e, es
  readActOne(msg: Uint8Array): void {
    this.#expect('start', 'readActOne');
    this.#state = 'failed';
    checkFrame(1, msg, ACT_ONE_SIZE);
    const re = msg.slice(1, 34);
    const c = msg.subarray(34, 50);
    if (!isValidCompressedPoint(re)) throw new HandshakeError('ACT1_BAD_PUBKEY', 'act one: ephemeral key is not a valid secp256k1 point');
    let h = mix(this.#h, re);
    const [ck, tempK1] = hkdf2(this.#ck, ecdh(this.#s, re));
    if (!decryptWithAd(tempK1, 0, h, c)) throw new HandshakeError('ACT1_BAD_TAG', 'act one: authentication tag does not verify');
    h = mix(h, c);
    this.#h = h;
    this.#ck = ck;
    this.#re = re;
    this.#state = 'act1_read';
  }

  // <- e, ee
  writeActTwo(): Uint8Array {
    this.#expect('act1_read', 'writeActTwo');
    const ePub = compressedPublicKey(this.#e);
    let h = mix(this.#h, ePub);
    const [ck, tempK2] = hkdf2(this.#ck, ecdh(this.#e, this.#re));
    const c = encryptWithAd(tempK2, 0, h, EMPTY);
    h = mix(h, c);
    this.#h = h;
    this.#ck = ck;
    this.#tempK2 = tempK2;
    this.#state = 'act2_sent';
    return concat(Uint8Array.of(VERSION), ePub, c);
  }

  // -> s, se. Returns the transport keys; keys.remoteStatic is the initiator's static key.
  readActThree(msg: Uint8Array): SessionKeys {
    this.#expect('act2_sent', 'readActThree');
    this.#state = 'failed';
    checkFrame(3, msg, ACT_THREE_SIZE);
    const c = msg.subarray(1, 50);
    const t = msg.subarray(50, 66);
    const rs = decryptWithAd(this.#tempK2, 1, this.#h, c);
    if (!rs) throw new HandshakeError('ACT3_BAD_CIPHERTEXT', 'act three: encrypted static key does not verify');
    if (!isValidCompressedPoint(rs)) throw new HandshakeError('ACT3_BAD_PUBKEY', 'act three: static key is not a valid secp256k1 point');
    const h = mix(this.#h, c);
    const [ck, tempK3] = hkdf2(this.#ck, ecdh(this.#e, rs));
    if (!decryptWithAd(tempK3, 0, h, t)) throw new HandshakeError('ACT3_BAD_TAG', 'act three: authentication tag does not verify');
    const [rk, sk] = hkdf2(ck, EMPTY);
    this.#state = 'done';
    return { sendKey: sk, recvKey: rk, ck, remoteStatic: rs, handshakeHash: h };
  }

  #expect(state: ResponderState, what: string): void {
    if (this.#state !== state) throw new Error(`${what}() called in state ${this.#state}`);
  }
}
