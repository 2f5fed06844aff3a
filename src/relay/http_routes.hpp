#pragma once
// What the relay answers to plain HTTP on its listeners: /metrics, the NIP-11 document,
// and for browsers the landing page with its live figures. Called on I/O threads.
#include <mutex>
#include <optional>

#include "nostr/parser.hpp"
#include "relay/landing_page.hpp"
#include "relay/shared.hpp"
#include "wsn/net/server.hpp"

namespace wsn::relay {

class HttpRoutes {
public:
    explicit HttpRoutes(Shared& sh) : sh_(sh), auth_parser_(sh.limits) {}
    // nullopt: not ours (the server answers 404).
    std::optional<net::HttpResponse> answer(const net::HttpRequest& req);

private:
    net::HttpResponse metrics();
    net::HttpResponse management(const net::HttpRequest& req);
    Config info_config() const;  // the config with the name, description and icon NIP-86 set
    LiveFigures live_figures();

    Shared& sh_;
    std::mutex admin_mu_;  // one management call at a time: each reads, changes and saves the state
    nostr::Parser auth_parser_;  // under admin_mu_
    std::mutex mu_;  // guards what follows: several I/O threads answer at once
    EventRate rate_;
    uint64_t events_stored_ = 0;
    double counted_at_ = -1e9;  // the store is counted at most every kRecount seconds
    static constexpr double kRecount = 5;
};

}  // namespace wsn::relay
