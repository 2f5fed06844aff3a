#include "relay/http_routes.hpp"

#include "relay/nip11.hpp"

namespace wsn::relay {

std::optional<net::HttpResponse> HttpRoutes::answer(const net::HttpRequest& req) {
    if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
    if (req.target == "/metrics") return metrics();
    if (wants_nip11(req.accept))
        return net::HttpResponse{200, "application/nostr+json",
                                 nip11_document(sh_.cfg, sh_.pubkey, sh_.addresses, WSN_VERSION), nip11_headers()};
    if (!sh_.cfg.landing_page) return std::nullopt;
    if (req.target == kLiveFiguresPath)
        return net::HttpResponse{200, "application/json", live_figures_json(live_figures()),
                                 {{"Cache-Control", "no-store"}}};
    if (req.target == "/" && wants_html(req.accept))
        return net::HttpResponse{200, "text/html; charset=utf-8",
                                 landing_page_html(sh_.cfg, sh_.pubkey, sh_.addresses, WSN_VERSION, live_figures()),
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
    return net::HttpResponse{200, "text/plain; version=0.0.4", sh_.metrics.render(), {}};
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
