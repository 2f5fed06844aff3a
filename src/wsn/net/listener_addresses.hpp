#pragma once
// What a listener can be reached at: the relay and the gateway print these and list
// them in their NIP-11 document. A listener on 0.0.0.0 or [::] is reachable at every
// address of the machine's interfaces, so those stand in for it.
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "wsn/net/server.hpp"

namespace wsn::net {

// The addresses of the machine's interfaces that are up: IPv4 ones, or IPv6 ones
// without link-local addresses (they need a zone id, which an address cannot carry).
std::vector<std::string> interface_addresses(bool v6);

// The canonical wsn:// (wsns:// for TLS) addresses of the bound listeners for `key`.
std::vector<std::string> listener_addresses(const std::vector<ListenAddress>& bound, const crypto::XOnlyPubkey& key);

}  // namespace wsn::net
