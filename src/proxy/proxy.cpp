#include "proxy/proxy.hpp"

#include "proxy/route.hpp"

namespace wsn::proxy {

std::unique_ptr<Bridge> make_proxy(ProxyOptions opts) {
    BridgeOptions b;
    b.name = "proxy";
    b.server.listen = std::move(opts.listen);
    // The listener's own wsn key is never used by apps (they speak plain ws to it).
    b.server.key = crypto::SecretKey::generate();
    b.server.allow_plaintext = true;
    b.server.allowed_origins = std::move(opts.allowed_origins);
    b.upstream = std::move(opts.upstream);
    b.route = [def = std::move(opts.default_upstream)](const net::SessionInfo& s) -> Result<std::string> {
        auto a = upstream_for_target(s.path, def);
        if (!a) return a.error();
        return format_address(*a);
    };
    return std::make_unique<Bridge>(std::move(b));
}

}  // namespace wsn::proxy
