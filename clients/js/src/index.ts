export { WsnWebSocket, useWsn, setWebSocketImplementation, WSN_SUBPROTOCOL, DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_ADDRESS_TIMEOUT_MS,
  notWsnMessage, wrongKeyMessage } from './websocket.js';
export type { WsnOptions, WebSocketImplementation, CarrierSocket } from './websocket.js';
export { parseWsnAddress, formatWsnAddress, carrierUrl, isWsnUrl, isKeyOnly, WsnAddressError } from './address.js';
export { acceptAnnouncement, candidates, lookup, newer, clearRelayCache, ANNOUNCEMENT_KIND } from './discovery.js';
export type { Announcement, NostrEvent, Lookup } from './discovery.js';
export type { WsnAddress, WsnScheme } from './address.js';
export { Initiator, Responder, PROTOCOL_NAME, WSN_PROLOGUE, ACT_ONE_SIZE, ACT_TWO_SIZE, ACT_THREE_SIZE } from './handshake.js';
export type { SessionKeys, HandshakeOptions } from './handshake.js';
export { CipherState, ROTATE_AFTER } from './cipher.js';
export { Transport, sealMessage, openMessage, sealedLength, MAX_CHUNK_PLAINTEXT, MAX_CHUNK, TAG_SIZE,
  DEFAULT_MAX_MESSAGE_SIZE, CLOSE_PROTOCOL_ERROR, CLOSE_INVALID_UTF8, CLOSE_POLICY, CLOSE_TOO_BIG } from './framing.js';
export { HandshakeError, FramingError, WsnError } from './errors.js';
export type { HandshakeErrorCode } from './errors.js';
export { parsePublicKey, parseSecretKey, npubEncode, liftX, evenYSecret, compressedPublicKey, randomSecretKey } from './keys.js';
