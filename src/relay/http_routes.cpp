#include "relay/http_routes.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "nostr/nip98.hpp"
#include "relay/management.hpp"
#include "relay/nip11.hpp"
#include "relay/relay_url.hpp"
#include "util/hex.hpp"

namespace wsn::relay {

namespace {

net::HttpResponse rpc_answer(unsigned status, std::string json) {
    return net::HttpResponse{status, std::string(kManagementContentType), std::move(json),
                             {{"Access-Control-Allow-Origin", "*"}}};
}

net::HttpResponse rpc_refusal(unsigned status, std::string_view why) {
    std::string out = "{\"result\":null,\"error\":";
    nostr::append_json_string(out, why);
    return rpc_answer(status, out + "}");
}

// A NIP-98 u tag names this endpoint when it is one of the relay's public URLs or the URL
// the request came to, the http(s) and ws(s) forms alike.
bool names_this_relay(const Config& cfg, const net::HttpRequest& req, std::string_view u) {
    std::string tag(u);
    if (tag.starts_with("http://")) tag = "ws://" + tag.substr(7);
    else if (tag.starts_with("https://")) tag = "wss://" + tag.substr(8);
    std::vector<std::string> urls = cfg.public_urls;
    urls.push_back((req.tls ? "wss://" : "ws://") + req.host + req.target);
    return relay_url_matches(urls, tag);
}

}  // namespace

Config HttpRoutes::info_config() const {
    Config cfg = sh_.cfg;
    sh_.moderation.get()->apply_info(cfg);
    return cfg;
}

std::optional<net::HttpResponse> HttpRoutes::answer(const net::HttpRequest& req) {
    if (req.method == "POST" && req.content_type.starts_with(kManagementContentType)) return management(req);
    if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
    if (req.target == "/metrics") return metrics();
    if (wants_nip11(req.accept))
        return net::HttpResponse{200, "application/nostr+json",
                                 nip11_document(info_config(), sh_.pubkey, sh_.addresses, WSN_VERSION), nip11_headers()};
    if (!sh_.cfg.landing_page) return std::nullopt;
    if (req.target == kLiveFiguresPath)
        return net::HttpResponse{200, "application/json", live_figures_json(live_figures()),
                                 {{"Cache-Control", "no-store"}}};
    if (req.target == "/" && wants_html(req.accept))
        return net::HttpResponse{200, "text/html; charset=utf-8",
                                 landing_page_html(info_config(), sh_.pubkey, sh_.addresses, WSN_VERSION, live_figures()),
                                 landing_page_headers()};
    return std::nullopt;
}

net::HttpResponse HttpRoutes::metrics() {
    const net::ServerStats st = sh_.server->stats();
    sh_.metrics.handshake_failures.only().set(st.handshake_failures);
    sh_.metrics.tls_handshake_failures.only().set(st.tls_handshake_failures);
    sh_.metrics.connections_refused.at(0).set(st.refused_total);
    sh_.metrics.connections_refused.at(1).set(st.refused_per_ip);
    sh_.metrics.connections_shed.only().set(st.shed_handshakes);
    sh_.metrics.slow_reader_closes.only().set(st.slow_reader_closes);
    sh_.metrics.input_pauses.only().set(st.input_pauses);
    sh_.metrics.input_queued.only().set(int64_t(st.unconsumed_bytes));
    return net::HttpResponse{200, "text/plain; version=0.0.4", sh_.metrics.render(), {}};
}

// NIP-86: the caller proved by NIP-98 to be a listed admin; the new state is saved before
// the verifiers see it, so what a call answered true to survives a restart.
net::HttpResponse HttpRoutes::management(const net::HttpRequest& req) {
    if (sh_.cfg.admins.empty()) return rpc_refusal(404, "the management API is off: no admins are configured");
    std::lock_guard lock(admin_mu_);
    auto ev = nostr::check_http_auth(auth_parser_, req.authorization, "POST", req.body, unix_now());
    if (!ev) return rpc_refusal(401, "unauthorized: " + ev.error().message);
    if (!names_this_relay(sh_.cfg, req, nostr::http_auth_url(*ev)))
        return rpc_refusal(401, "unauthorized: the authorization event's u tag names another URL: " +
                                    std::string(nostr::http_auth_url(*ev)));
    const std::string who = ev->pubkey.hex();
    if (std::find(sh_.cfg.admins.begin(), sh_.cfg.admins.end(), who) == sh_.cfg.admins.end())
        return rpc_refusal(401, "unauthorized: " + who + " is not an admin of this relay");
    ManagementCall call = call_management(*sh_.moderation.get(), req.body);
    if (call.changed) {
        if (auto s = save_moderation(*sh_.store, *call.changed); !s)
            return rpc_refusal(500, "error: the change could not be saved: " + s.error().message);
        sh_.moderation.set(std::move(*call.changed));
        spdlog::info("management: {} by {}", req.body.substr(0, 200), who);
    }
    if (call.banned_event) {  // it may already be stored: delete it (it can never come back)
        nostr::Filter f;
        f.ids = std::vector<nostr::Id>{*from_hex_fixed<32>(*call.banned_event)};
        if (auto n = sh_.store->erase(f); !n) spdlog::warn("management: deleting a banned event failed: {}", n.error().message);
    }
    return rpc_answer(200, std::move(call.response));
}

LiveFigures HttpRoutes::live_figures() {
    LiveFigures f;
    const net::ServerStats st = sh_.server->stats();
    for (size_t i = 0; i < 4; ++i) f.connections[i] = st.open_by_scheme[i];
    const Counter* stored = sh_.metrics.events.find("stored");
    std::lock_guard lock(mu_);
    const double now = now_seconds();
    if (now - counted_at_ >= kRecount) {  // with PostgreSQL a count(*): not on every poll
        events_stored_ = sh_.store->event_count();
        counted_at_ = now;
    }
    f.events_stored = events_stored_;
    f.events_per_second = rate_.sample(now, stored ? stored->value() : 0);
    return f;
}

}  // namespace wsn::relay
