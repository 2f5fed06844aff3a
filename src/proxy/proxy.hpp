#pragma once
// `wsn proxy`: a local ws:// endpoint for existing Nostr apps. Each app session goes to
// the relay named in its path (route.hpp), or to the default upstream, over wsn with
// the relay's key checked; a failed check reaches the app as a NOTICE and a close.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proxy/bridge.hpp"

namespace wsn::proxy {

struct ProxyOptions {
    std::vector<net::ListenAddress> listen;  // loopback unless the caller allows more
    std::optional<Address> default_upstream;
    net::ClientOptions upstream;  // key: the user's (authenticated) or none (a fresh one per session)
    // Browsers let any web page open a WebSocket to localhost: only apps that send no
    // Origin (native ones) and pages of these origins ("https://app.example") may connect.
    std::vector<std::string> allowed_origins;
};

std::unique_ptr<Bridge> make_proxy(ProxyOptions opts);

}  // namespace wsn::proxy
