#pragma once
// What `wsn proxy` and `wsn gateway` share: a listener (net::Server) whose every session
// gets its own upstream connection (net::Client), with NIP-01 text passed both ways.
//
//   app --(ws / wsn)--> Bridge listener --> route(session) --> upstream relay
//
// Messages an app sends before the upstream is connected are held (bounded) and sent
// in order once it is. If the route or the upstream connection fails, the app gets
// ["NOTICE","<reason>"] and the session is closed (code 1014, bad gateway); when the
// upstream ends the connection, the app's session is closed too, and the other way
// round. One log line per session, when it ends.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"
#include "wsn/address.hpp"
#include "wsn/net/client.hpp"
#include "wsn/net/server.hpp"

namespace wsn::proxy {

struct BridgeOptions {
    std::string name;  // "proxy" or "gateway", for log lines
    net::ServerOptions server;
    net::ClientOptions upstream;
    // Where a session goes (proxy: from its path; gateway: always the one upstream).
    std::function<Result<std::string>(const net::SessionInfo&)> route;
    // Plain HTTP requests on the listener (the gateway serves NIP-11); may be empty.
    std::function<std::optional<net::HttpResponse>(const net::HttpRequest&)> on_http;
    // Bytes an app may send before its upstream is connected.
    size_t max_pending_bytes = 1024 * 1024;
};

class Bridge {
public:
    explicit Bridge(BridgeOptions opts);
    ~Bridge();

    // Binds the listeners; the Error names the address that failed.
    Status start();
    std::vector<net::ListenAddress> bound() const;
    // Serves until stop(), then closes every session and returns.
    void run();
    // Safe from any thread.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::proxy
