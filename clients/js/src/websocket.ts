// WsnWebSocket: the standard WebSocket interface over a wsn session, so apps and
// libraries that take a WebSocket implementation (nostr-tools and others) reach
// wsn:// relays unchanged. ws:// and wss:// pass straight to the native WebSocket.
//
// Life of a wsn connection: open the carrier WebSocket (ws:// or wss://) with the
// subprotocol wsn.v1 → act one → act two (the relay proves its key) → act three →
// `open`. From then on every send() is one sealed binary message and every
// received binary message becomes one `message` event with string data.
import { asBytes, bytesToHex } from './bytes.js';
import { carrierUrl, formatWsnAddress, isKeyOnly, isWsnUrl, parseWsnAddress, type WsnAddress } from './address.js';
import { cachedRelay, candidates, lookup, rememberRelay } from './discovery.js';
import { FramingError, HandshakeError, WsnError } from './errors.js';
import { CLOSE_PROTOCOL_ERROR, DEFAULT_MAX_MESSAGE_SIZE, Transport } from './framing.js';
import { Initiator, WSN_PROLOGUE } from './handshake.js';
import { compressedPublicKey, liftX, parseSecretKey, randomSecretKey } from './keys.js';

export const WSN_SUBPROTOCOL = 'wsn.v1';
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

// The part of a WebSocket implementation this class drives (browser or `ws`).
export interface CarrierSocket {
  binaryType: string;
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount: number;
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
}
export type WebSocketImplementation = new (url: string, protocols?: string | string[]) => any;

export interface WsnOptions {
  // Underlying WebSocket class; default: the one set by setWebSocketImplementation(),
  // else globalThis.WebSocket, else (Node.js, wsn only) the `ws` package.
  WebSocket?: WebSocketImplementation;
  // The user's Nostr secret key (hex, nsec or bytes) for an authenticated session:
  // the relay learns its pubkey. Default: a fresh random key per connection.
  secretKey?: string | Uint8Array;
  maxMessageSize?: number;
  handshakeTimeoutMs?: number;
  // Directory relays (ws://, wss://, or wsn:// with a host) where a key-only address
  // (wsn://npub1…) is looked up; see docs/discovery.md. The answer is cached in memory.
  directories?: string[];
  // Each announced address tried for a key-only address: its connect and handshake (ms).
  addressTimeoutMs?: number;
  directoryTimeoutMs?: number;
}
export const DEFAULT_ADDRESS_TIMEOUT_MS = 3000;

let defaultImplementation: WebSocketImplementation | undefined;

// Sets the WebSocket class used when no `WebSocket` option is given (for Node.js: `ws`).
export function setWebSocketImplementation(impl: WebSocketImplementation | undefined): void {
  defaultImplementation = impl;
}

function syncImplementation(opts: WsnOptions): WebSocketImplementation | undefined {
  return opts.WebSocket ?? defaultImplementation ?? (globalThis as any).WebSocket;
}

// Node.js 20 has no global WebSocket: fall back to `ws` if it is installed. The
// module name is computed (not a literal bundlers fold) so browser bundles neither
// include `ws` nor fail to resolve it.
async function loadWs(): Promise<WebSocketImplementation> {
  const name = ['w', 's'].join('');
  try {
    const mod: any = await import(/* webpackIgnore: true */ /* @vite-ignore */ name);
    return mod.WebSocket ?? mod.default;
  } catch {
    throw new WsnError('no WebSocket implementation: pass { WebSocket } (in Node.js 20: the `ws` package)');
  }
}

export const notWsnMessage = 'server does not speak wsn (it did not select wsn.v1)';
export function wrongKeyMessage(npub: string): string {
  return `relay failed to prove it holds ${npub} — wrong key, or someone in between`;
}

function domException(message: string, name: string): Error {
  const D = (globalThis as any).DOMException;
  return D ? new D(message, name) : Object.assign(new Error(message), { name });
}

function makeEvent(type: string, props: Record<string, unknown>): Event {
  return Object.assign(new Event(type), props);
}

function makeCloseEvent(code: number, reason: string, wasClean: boolean): Event {
  const C = (globalThis as any).CloseEvent;
  return C ? new C('close', { code, reason, wasClean }) : makeEvent('close', { code, reason, wasClean });
}

function makeMessageEvent(data: string, origin: string): Event {
  const M = (globalThis as any).MessageEvent;
  return M ? new M('message', { data, origin }) : makeEvent('message', { data, origin });
}

const HANDLER_TYPES = ['open', 'message', 'error', 'close'] as const;
type HandlerType = (typeof HANDLER_TYPES)[number];
type Handler = ((this: WsnWebSocket, ev: any) => any) | null;
type Phase = 'carrier' | 'act2' | 'open' | 'closing' | 'closed';

export class WsnWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  // Definite assignment: a ws:// or wss:// URL returns a native WebSocket before these are set.
  readonly url!: string;
  readonly extensions = '';
  binaryType: 'blob' | 'arraybuffer' = 'blob'; // kept for the interface: wsn delivers text
  // The verified relay key (x-only hex / npub), set once the relay proved it in act two.
  relayPubkey: string | null = null;
  relayNpub: string | null = null;
  // Our static key as the relay sees it (x-only hex): the user's pubkey if a secret
  // key was given, else the fresh anonymous key.
  readonly clientPubkey!: string;
  // Why the connection failed, if it did (also on the error event as .error/.message).
  error: WsnError | null = null;

  #addr!: WsnAddress;
  // Key-only addresses: the options, the addresses still to try, what failed.
  #resolve: { opts: WsnOptions; queue: WsnAddress[]; tried: string[]; failures: string[]; looked: boolean; impl?: WebSocketImplementation } | null = null;
  readonly #secret!: Uint8Array;
  readonly #maxMessageSize!: number;
  #phase: Phase = 'carrier';
  #readyState = 0;
  #carrier: CarrierSocket | null = null;
  #initiator: Initiator | null = null;
  #transport: Transport | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #handlers: Record<HandlerType, Handler> = { open: null, message: null, error: null, close: null };

  constructor(url: string | URL, protocols?: string | string[], options: WsnOptions = {}) {
    const text = String(url);
    if (!isWsnUrl(text)) {
      const Native = syncImplementation(options);
      if (!Native) throw new WsnError('no WebSocket implementation: pass { WebSocket } (in Node.js 20: the `ws` package)');
      super();
      return new Native(text, protocols) as WsnWebSocket;
    }
    super();
    try {
      this.#addr = parseWsnAddress(text);
    } catch (e) {
      throw domException(`bad wsn address: ${(e as Error).message}`, 'SyntaxError');
    }
    this.url = formatWsnAddress(this.#addr);
    this.#secret = options.secretKey !== undefined ? parseSecretKey(options.secretKey) : randomSecretKey();
    this.clientPubkey = bytesToHex(compressedPublicKey(this.#secret).subarray(1));
    this.#maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    for (const type of HANDLER_TYPES) {
      this.addEventListener(type, (ev) => {
        const h = this.#handlers[type];
        if (typeof h === 'function') h.call(this, ev);
      });
    }
    const impl = syncImplementation(options);
    if (isKeyOnly(this.#addr)) {
      const key = bytesToHex(this.#addr.relayKey);
      const last = cachedRelay(key)?.lastGood;
      this.#resolve = { opts: options, queue: last ? [parseWsnAddress(last)] : [], tried: [], failures: [], looked: false };
      const start = (i: WebSocketImplementation) => {
        this.#resolve!.impl = i;
        void this.#tryNext();
      };
      if (impl) start(impl);
      else loadWs().then(start, (e: Error) => this.#fail(e.message));
      return;
    }
    const timeout = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.#timer = setTimeout(() => this.#fail(`relay did not finish the handshake within ${timeout} ms`), timeout);
    if (impl) this.#openCarrier(impl);
    else loadWs().then((i) => this.#openCarrier(i), (e: Error) => this.#fail(e.message));
  }

  // Key-only: the next address (the cached one, then the announcement's, in order),
  // looking the announcement up on the directories once when the queue runs dry.
  async #tryNext(): Promise<void> {
    const r = this.#resolve!;
    if (this.#phase !== 'carrier') return; // closed meanwhile
    if (r.queue.length === 0 && !r.looked) {
      r.looked = true;
      const key = bytesToHex(this.#addr.relayKey);
      const dirs = r.opts.directories ?? [];
      const found = dirs.length
        ? await lookup(key, dirs, useWsn({ WebSocket: r.impl }), r.opts.directoryTimeoutMs ?? 5000)
        : { best: cachedRelay(key)?.announcement ?? null };
      if (this.#phase !== 'carrier') return;
      if (found.best) r.queue.push(...candidates(found.best, r.tried));
      else r.failures.push(dirs.length ? `no announcement of ${this.#addr.npub} found on ${dirs.length} directory relay(s)`
        : `${this.url} has no host: give { directories } to find the relay by its key`);
    }
    const next = r.queue.shift();
    if (!next) {
      this.#resolve = null; // the failure is final now
      this.#fail(r.failures.join('; ') || `no address of ${this.#addr.npub} answered`);
      return;
    }
    r.tried.push(formatWsnAddress(next));
    this.#addr = next;
    const timeout = r.opts.addressTimeoutMs ?? DEFAULT_ADDRESS_TIMEOUT_MS;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fail(`${formatWsnAddress(next)}: no handshake within ${timeout} ms`), timeout);
    this.#openCarrier(r.impl!);
  }

  get readyState(): number {
    return this.#readyState;
  }
  // "wsn.v1" once open: the app can tell it runs over wsn.
  get protocol(): string {
    return this.#phase === 'open' || this.#phase === 'closing' ? WSN_SUBPROTOCOL : '';
  }
  get bufferedAmount(): number {
    return this.#carrier?.bufferedAmount ?? 0;
  }

  get onopen(): Handler { return this.#handlers.open; }
  set onopen(h: Handler) { this.#handlers.open = h; }
  get onmessage(): Handler { return this.#handlers.message; }
  set onmessage(h: Handler) { this.#handlers.message = h; }
  get onerror(): Handler { return this.#handlers.error; }
  set onerror(h: Handler) { this.#handlers.error = h; }
  get onclose(): Handler { return this.#handlers.close; }
  set onclose(h: Handler) { this.#handlers.close = h; }

  // Sends one NIP-01 message. Like a native WebSocket: throws while CONNECTING,
  // does nothing once closing or closed.
  send(data: string): void {
    if (this.#readyState === WsnWebSocket.CONNECTING) {
      throw domException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", 'InvalidStateError');
    }
    if (this.#readyState !== WsnWebSocket.OPEN || !this.#transport || !this.#carrier) return;
    if (typeof data !== 'string') {
      if (asBytes(data) || (typeof Blob !== 'undefined' && (data as unknown) instanceof Blob)) {
        throw new TypeError('wsn carries NIP-01 text: send a string');
      }
      data = String(data);
    }
    this.#carrier.send(this.#transport.sealText(data));
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw domException(`close code ${code} is neither 1000 nor in 3000-4999`, 'InvalidAccessError');
    }
    if (reason !== undefined && new TextEncoder().encode(reason).length > 123) {
      throw domException('close reason is longer than 123 bytes', 'SyntaxError');
    }
    if (this.#readyState >= WsnWebSocket.CLOSING) return;
    if (this.#readyState === WsnWebSocket.CONNECTING) {
      this.#fail('WebSocket was closed before the connection was established', 1000, false);
      return;
    }
    this.#readyState = WsnWebSocket.CLOSING;
    this.#phase = 'closing';
    this.#carrier?.close(code, reason);
  }

  #openCarrier(Impl: WebSocketImplementation): void {
    if (this.#phase !== 'carrier') return; // closed meanwhile
    let ws: CarrierSocket;
    try {
      ws = new Impl(carrierUrl(this.#addr), [WSN_SUBPROTOCOL]);
    } catch (e) {
      this.#fail(`could not open ${carrierUrl(this.#addr)}: ${(e as Error).message}`);
      return;
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.#onCarrierOpen();
    ws.onmessage = (ev) => this.#onCarrierMessage(ev.data);
    ws.onerror = (ev) => this.#onCarrierError(ev);
    ws.onclose = (ev) => this.#onCarrierClose(ev);
    this.#carrier = ws;
  }

  #onCarrierOpen(): void {
    if (this.#carrier!.protocol !== WSN_SUBPROTOCOL) {
      this.#fail(notWsnMessage);
      return;
    }
    this.#initiator = new Initiator(liftX(this.#addr.relayKey), this.#secret, { prologue: WSN_PROLOGUE });
    this.#carrier!.send(this.#initiator.writeActOne());
    this.#phase = 'act2';
  }

  #onCarrierMessage(data: unknown): void {
    const bytes = asBytes(data);
    if (this.#phase === 'act2') {
      if (!bytes) {
        // `ws` servers echo any offered subprotocol by default, so a plain Nostr
        // relay may "select" wsn.v1 and then answer act one with a NOTICE.
        this.#fail('server does not speak wsn (it answered the handshake with text)');
        return;
      }
      try {
        this.#initiator!.readActTwo(bytes);
      } catch (e) {
        const detail = e instanceof HandshakeError && e.code === 'ACT2_BAD_TAG' ? '' : ` (${(e as Error).message})`;
        this.#fail(wrongKeyMessage(this.#addr.npub) + detail);
        return;
      }
      const { act, keys } = this.#initiator!.writeActThree();
      this.#initiator = null;
      this.#carrier!.send(act);
      this.#transport = new Transport(keys, this.#maxMessageSize);
      clearTimeout(this.#timer);
      if (this.#resolve) {
        rememberRelay(bytesToHex(this.#addr.relayKey), { lastGood: formatWsnAddress(this.#addr) });
        this.#resolve = null;
      }
      this.relayPubkey = bytesToHex(this.#addr.relayKey);
      this.relayNpub = this.#addr.npub;
      this.#phase = 'open';
      this.#readyState = WsnWebSocket.OPEN;
      this.dispatchEvent(new Event('open'));
      return;
    }
    if (this.#phase !== 'open') return;
    if (!bytes) {
      this.#fail('relay sent a text frame on a wsn connection', CLOSE_PROTOCOL_ERROR);
      return;
    }
    let text: string;
    try {
      text = this.#transport!.openText(bytes);
    } catch (e) {
      const code = e instanceof FramingError ? e.closeCode : CLOSE_PROTOCOL_ERROR;
      this.#fail(`bad message from relay: ${(e as Error).message}`, code);
      return;
    }
    this.dispatchEvent(makeMessageEvent(text, this.url));
  }

  #onCarrierError(ev: any): void {
    if (this.#phase === 'carrier' || this.#phase === 'act2') {
      const why = String(ev?.message ?? ev?.error?.message ?? '');
      if (/subprotocol/i.test(why)) this.#fail(notWsnMessage);
      else if (this.#phase === 'act2') this.#fail(wrongKeyMessage(this.#addr.npub));
      else this.#fail(`could not connect to ${carrierUrl(this.#addr)}${why ? `: ${why}` : ''}`);
      return;
    }
    if (this.#phase === 'open' || this.#phase === 'closing') {
      this.dispatchEvent(makeEvent('error', { message: String(ev?.message ?? 'connection error') }));
    }
  }

  #onCarrierClose(ev: any): void {
    if (this.#phase === 'carrier') {
      this.#fail(`could not connect to ${carrierUrl(this.#addr)} (closed with code ${ev?.code ?? 1006})`);
      return;
    }
    // The relay hangs up after act one when the key we used is not its key.
    if (this.#phase === 'act2') {
      this.#fail(wrongKeyMessage(this.#addr.npub));
      return;
    }
    if (this.#phase === 'closed') return;
    this.#finish();
    this.dispatchEvent(makeCloseEvent(ev?.code ?? 1005, ev?.reason ?? '', ev?.wasClean ?? false));
  }

  // Fails the connection: close the carrier, then error and close events (async,
  // so handlers set right after the constructor see them).
  #fail(message: string, carrierCode = CLOSE_PROTOCOL_ERROR, retry = true): void {
    if (this.#phase === 'closed') return;
    const r = this.#resolve;
    if (r && retry && (this.#phase === 'carrier' || this.#phase === 'act2')) {
      // This address failed (refused, timed out, or not the key: an impostor): the next.
      r.failures.push(this.#phase === 'carrier' && !this.#carrier ? message : `${formatWsnAddress(this.#addr)}: ${message}`);
      const c = this.#carrier;
      this.#carrier = null;
      this.#initiator = null;
      this.#phase = 'carrier';
      clearTimeout(this.#timer);
      if (c) {
        c.onopen = c.onmessage = c.onclose = c.onerror = () => {};
        try {
          c.close();
        } catch {
          // still connecting
        }
      }
      void this.#tryNext();
      return;
    }
    const carrier = this.#carrier;
    this.#finish();
    if (carrier && carrier.readyState <= 1) {
      try {
        carrier.close(carrier.readyState === 1 ? carrierCode : undefined);
      } catch {
        // closing a carrier that is still connecting may throw in some implementations
      }
    }
    const error = new WsnError(message);
    this.error = error;
    setTimeout(() => {
      this.dispatchEvent(makeEvent('error', { message, error }));
      this.dispatchEvent(makeCloseEvent(1006, message, false));
    }, 0);
  }

  #finish(): void {
    clearTimeout(this.#timer);
    this.#phase = 'closed';
    this.#readyState = WsnWebSocket.CLOSED;
    this.#initiator = null;
    this.#transport = null;
    const c = this.#carrier;
    if (c) {
      // Keep no-op handlers: `ws` throws on an 'error' event without a listener.
      c.onopen = c.onmessage = c.onclose = c.onerror = () => {};
    }
  }
}

// A WebSocket class with fixed options, for libraries that construct it
// themselves with `new WS(url)` (nostr-tools' useWebSocketImplementation).
export function useWsn(options: WsnOptions = {}): typeof WsnWebSocket {
  return class extends WsnWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  };
}
