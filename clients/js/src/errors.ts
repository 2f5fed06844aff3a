// Error types of the core. Remote faults carry what the caller needs to react:
// the BOLT 8 label for a failed act, the WebSocket close code for a failed message.

export type HandshakeErrorCode =
  | 'ACT1_READ_FAILED' | 'ACT1_BAD_VERSION' | 'ACT1_BAD_PUBKEY' | 'ACT1_BAD_TAG'
  | 'ACT2_READ_FAILED' | 'ACT2_BAD_VERSION' | 'ACT2_BAD_PUBKEY' | 'ACT2_BAD_TAG'
  | 'ACT3_READ_FAILED' | 'ACT3_BAD_VERSION' | 'ACT3_BAD_CIPHERTEXT' | 'ACT3_BAD_PUBKEY' | 'ACT3_BAD_TAG';

// The peer sent a bad act. `code` is the label BOLT 8's test vectors use.
export class HandshakeError extends Error {
  override name = 'HandshakeError';
  constructor(readonly code: HandshakeErrorCode, message: string) {
    super(message);
  }
}

// A transport message that must close the connection (DESIGN §4), with the
// WebSocket close code to use: 1002 protocol error, 1007 bad UTF-8, 1009 too big.
export class FramingError extends Error {
  override name = 'FramingError';
  constructor(readonly closeCode: number, message: string) {
    super(message);
  }
}

// A connection-level failure reported to the application (onerror, onclose).
export class WsnError extends Error {
  override name = 'WsnError';
}
