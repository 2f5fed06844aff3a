// Two peers in memory: a wsn handshake (prologue wsn.v1) between a fresh client
// key and a relay key, returning both transports.
import { evenYSecret, Initiator, liftX, randomSecretKey, Responder, Transport, compressedPublicKey } from '../../dist/index.js';

export function handshakePair({ relaySecret = randomSecretKey(), clientSecret = randomSecretKey(), maxMessageSize } = {}) {
  const relayX = compressedPublicKey(relaySecret).subarray(1);
  const init = new Initiator(liftX(relayX), clientSecret);
  const resp = new Responder(evenYSecret(relaySecret));
  resp.readActOne(init.writeActOne());
  init.readActTwo(resp.writeActTwo());
  const { act, keys: clientKeys } = init.writeActThree();
  const relayKeys = resp.readActThree(act);
  return {
    clientKeys,
    relayKeys,
    client: new Transport(clientKeys, maxMessageSize),
    relay: new Transport(relayKeys, maxMessageSize),
  };
}
