#pragma once
// The NIP-11 relay information document, served as application/nostr+json to an
// HTTP GET whose Accept header asks for it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/keys.hpp"
#include "relay/config.hpp"

namespace wsn::relay {

// NIPs the relay implements, as listed in supported_nips.
inline constexpr int kSupportedNips[] = {1, 9, 11, 40, 42, 45, 62, 70, 77, 86};

// The document as compact JSON: name, description, pubkey (the operator's, when set),
// contact, icon (when set), self (the relay's own key, hex), supported_nips, software
// (when configured: the project has no URL of its own to claim), version (when not empty), limitation {...} from cfg, and "wsn": the relay's
// wsn:// addresses as given (canonical form, one per listener and host address).
std::string nip11_document(const Config& cfg, const crypto::XOnlyPubkey& self,
                           const std::vector<std::string>& wsn_addresses, std::string_view version = "");

// True when an Accept header asks for the document.
bool wants_nip11(std::string_view accept);

// The CORS headers NIP-11 requires on the answer.
std::vector<std::pair<std::string, std::string>> nip11_headers();

}  // namespace wsn::relay
