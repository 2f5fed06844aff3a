// Node.js responder: a `ws` WebSocketServer that speaks wsn (DESIGN §2–§4) to
// clients offering wsn.v1 and plain NIP-01 text to the others. It hands each
// established connection to `onConnection` as a WsnPeer carrying text; what the
// text means (a relay, an echo) is the caller's business.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { asBytes, bytesToHex } from './bytes.js';
import { FramingError } from './errors.js';
import { CLOSE_POLICY, CLOSE_PROTOCOL_ERROR, DEFAULT_MAX_MESSAGE_SIZE, sealedLength, Transport } from './framing.js';
import { Responder, WSN_PROLOGUE } from './handshake.js';
import { compressedPublicKey, evenYSecret, npubEncode, parseSecretKey, randomSecretKey } from './keys.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, WSN_SUBPROTOCOL } from './websocket.js';

export interface WsnPeer {
  readonly encrypted: boolean;
  // The client's x-only static key (hex) for a wsn connection; null for plain ws.
  readonly clientPubkey: string | null;
  readonly request: IncomingMessage;
  send(text: string): void;
  close(code?: number, reason?: string): void;
  onmessage: ((text: string) => void) | null;
  onclose: ((code: number, reason: string) => void) | null;
}

export interface WsnServerOptions {
  secretKey?: string | Uint8Array; // the relay key; default random
  host?: string; // default 127.0.0.1
  port?: number; // default 0 (any free port)
  server?: Server; // attach to an existing HTTP server instead of host/port
  allowPlain?: boolean; // serve clients that did not offer wsn.v1 (default true)
  handshakeTimeoutMs?: number;
  maxMessageSize?: number;
  onConnection: (peer: WsnPeer) => void;
  onHandshakeError?: (error: Error, request: IncomingMessage) => void;
}

export interface WsnServer {
  readonly wss: WebSocketServer;
  readonly port: number;
  readonly relayPubkey: string; // x-only hex
  readonly npub: string;
  // wsn://npub…@host:port for this server's listening address.
  readonly address: string;
  close(): Promise<void>;
}

class Peer implements WsnPeer {
  onmessage: ((text: string) => void) | null = null;
  onclose: ((code: number, reason: string) => void) | null = null;
  constructor(
    private readonly ws: WebSocket,
    readonly request: IncomingMessage,
    private readonly transport: Transport | null,
    readonly clientPubkey: string | null,
  ) {}
  get encrypted(): boolean {
    return this.transport !== null;
  }
  send(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(this.transport ? this.transport.sealText(text) : text);
  }
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}

function serveWsn(ws: WebSocket, req: IncomingMessage, relaySecret: Uint8Array, opts: WsnServerOptions): void {
  const responder = new Responder(relaySecret, { prologue: WSN_PROLOGUE });
  const maxMessageSize = opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  let peer: Peer | null = null;
  let transport: Transport | null = null;
  const timer = setTimeout(() => ws.close(CLOSE_POLICY, 'handshake timeout'), opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS);

  const refuse = (code: number, error: Error) => {
    clearTimeout(timer);
    transport = null; // nothing more of this connection is processed
    if (!peer) opts.onHandshakeError?.(error, req);
    ws.close(code, error.message.slice(0, 120));
  };

  ws.on('message', (data, isBinary) => {
    const bytes = isBinary ? asBytes(Array.isArray(data) ? Buffer.concat(data) : data) : null;
    if (!bytes) {
      refuse(CLOSE_PROTOCOL_ERROR, new Error('text frame on a wsn connection'));
      return;
    }
    try {
      if (responder.state === 'start') {
        responder.readActOne(bytes);
        ws.send(responder.writeActTwo());
      } else if (responder.state === 'act2_sent') {
        const keys = responder.readActThree(bytes);
        clearTimeout(timer);
        transport = new Transport(keys, maxMessageSize);
        peer = new Peer(ws, req, transport, bytesToHex(keys.remoteStatic.subarray(1)));
        opts.onConnection(peer);
      } else if (transport && peer) {
        const text = transport.openText(bytes);
        peer.onmessage?.(text);
      }
    } catch (e) {
      refuse(e instanceof FramingError ? e.closeCode : CLOSE_PROTOCOL_ERROR, e as Error);
    }
  });
  ws.on('close', (code, reason) => {
    clearTimeout(timer);
    peer?.onclose?.(code, reason.toString());
  });
}

function servePlain(ws: WebSocket, req: IncomingMessage, opts: WsnServerOptions): void {
  const peer = new Peer(ws, req, null, null);
  ws.on('message', (data, isBinary) => {
    if (isBinary) ws.close(CLOSE_PROTOCOL_ERROR, 'NIP-01 is text');
    else peer.onmessage?.(data.toString());
  });
  ws.on('close', (code, reason) => peer.onclose?.(code, reason.toString()));
  opts.onConnection(peer);
}

export async function startWsnServer(opts: WsnServerOptions): Promise<WsnServer> {
  const secret = opts.secretKey !== undefined ? parseSecretKey(opts.secretKey) : randomSecretKey();
  const relaySecret = evenYSecret(secret);
  const relayX = compressedPublicKey(relaySecret).subarray(1);
  const maxMessageSize = opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const host = opts.host ?? '127.0.0.1';
  const wss = new WebSocketServer({
    ...(opts.server ? { server: opts.server } : { host, port: opts.port ?? 0 }),
    maxPayload: sealedLength(maxMessageSize),
    handleProtocols: (protocols: Set<string>) => (protocols.has(WSN_SUBPROTOCOL) ? WSN_SUBPROTOCOL : false),
  });
  if (!opts.server) await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws, req) => {
    ws.on('error', () => {}); // a peer's broken socket ends in 'close'; nothing to do here
    if (ws.protocol === WSN_SUBPROTOCOL) serveWsn(ws, req, relaySecret, opts);
    else if (opts.allowPlain ?? true) servePlain(ws, req, opts);
    else ws.close(CLOSE_POLICY, 'this server only speaks wsn.v1');
  });
  const addr = (opts.server ?? wss).address() as AddressInfo;
  const npub = npubEncode(relayX);
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    wss,
    port: addr.port,
    relayPubkey: bytesToHex(relayX),
    npub,
    address: `wsn://${npub}@${shownHost}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
