#pragma once
// The NIP-11 document `wsn gateway` serves: the upstream relay's own document with
// `self` set to the gateway's key (the key clients check in the wsn handshake) and
// the gateway's wsn:// addresses added. Pure: no I/O.
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "wsn/address.hpp"

namespace wsn::proxy {

// Every field of `upstream` (a JSON object) except `self` and the addresses key
// (kInfoAddressesKey, as `wsn relay` writes it), then
// those two with the gateway's values. An upstream document that is not a JSON object
// (the upstream had none, or sent garbage) is replaced by one with only these fields.
std::string gateway_info_document(std::string_view upstream, const crypto::XOnlyPubkey& self,
                                  const std::vector<std::string>& addresses);

}  // namespace wsn::proxy
