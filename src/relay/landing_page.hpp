#pragma once
// The relay's own web page, for a browser that opens its address (GET / with an Accept
// header naming text/html): who runs it, how to reach it (each wsn:// address with its QR
// code), what it supports and allows, and live figures read from live_figures_json().
// One self-contained document: no outside resource, and nothing but the live figures
// needs JavaScript.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/keys.hpp"
#include "relay/config.hpp"

namespace wsn::relay {

// The path the page's script polls for live figures.
inline constexpr std::string_view kLiveFiguresPath = "/live.json";

struct LiveFigures;
// `now` fills the live figures' first values, so they show without JavaScript too.
std::string landing_page_html(const Config& cfg, const crypto::XOnlyPubkey& self,
                              const std::vector<std::string>& wsn_addresses, std::string_view version,
                              const LiveFigures& now);

// The headers the page is served with: a Content-Security-Policy that lets it load
// nothing from elsewhere and talk only to this relay.
std::vector<std::pair<std::string, std::string>> landing_page_headers();

// True when an Accept header asks for HTML (a browser), and not for NIP-11.
bool wants_html(std::string_view accept);

// The ws:// or wss:// URL of each wsn:// or wsns:// address (same host and port; a plain
// NIP-01 client reaches the same listener there), in order, without repeats.
std::vector<std::string> plain_urls(const std::vector<std::string>& wsn_addresses);

struct LiveFigures {
    uint64_t connections[4] = {};  // by scheme: ws, wss, wsn, wsns (wsn::Scheme's order)
    uint64_t events_stored = 0;
    double events_per_second = 0;
};
// {"connections":{"ws":N,"wss":N,"wsn":N,"wsns":N},"events_stored":N,"events_per_second":X}
std::string live_figures_json(const LiveFigures& f);

// Events per second over about the last minute, from samples of a running total.
// Sans-IO: the caller gives the clock.
class EventRate {
public:
    double sample(double now_seconds, uint64_t total);

private:
    struct Point {
        double t;
        uint64_t total;
    };
    std::vector<Point> points_;  // oldest first, at most kPoints
    static constexpr size_t kPoints = 16;
    static constexpr double kWindow = 60;
};

}  // namespace wsn::relay
