#pragma once
// `wsn gateway`: a wsn:// front for an existing relay. It terminates wsn (and wsns,
// and ws/wss when plaintext is allowed) with its own key and forwards every session to
// the upstream relay over plain ws; it serves the upstream's NIP-11 document with
// `self` set to its key and its wsn addresses added (info_document.hpp), refreshed
// every few minutes (every 10 s until the upstream first answers).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "wsn/net/client.hpp"
#include "wsn/net/server.hpp"

namespace wsn::proxy {

struct GatewayOptions {
    std::string upstream;       // ws://127.0.0.1:7777
    net::ServerOptions server;  // listeners, the gateway's key, TLS, allow_plaintext
    net::ClientOptions client;  // for the upstream connections
    std::chrono::seconds info_refresh{300};
};

class Gateway {
public:
    explicit Gateway(GatewayOptions opts);
    ~Gateway();

    // Binds the listeners and fetches the upstream's NIP-11 document (a failure to
    // fetch it is logged, not fatal: the relay may start later).
    Status start();
    const std::vector<std::string>& addresses() const;
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::proxy
