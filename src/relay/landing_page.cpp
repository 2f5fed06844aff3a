#include "relay/landing_page.hpp"

#include <algorithm>
#include <cstdio>

#include "nostr/nip19.hpp"
#include "relay/html.hpp"
#include "relay/nip11.hpp"
#include "relay/qr_svg.hpp"
#include "wsn/address.hpp"

namespace wsn::relay {

namespace {

constexpr std::string_view kStyle = R"(
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fafafa}
h1{margin-bottom:0}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
.addr{display:flex;gap:1rem;align-items:center;margin:1rem 0}.addr svg{width:10rem;height:10rem;flex:none}
code{word-break:break-all;user-select:all;background:#eee;padding:.1rem .3rem;border-radius:3px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#555}dd{margin:0}
button{font:inherit;margin-top:.4rem}.figures{display:flex;gap:2rem;flex-wrap:wrap}.figures b{font-size:1.4rem;display:block}
)";

// Shows the copy buttons and keeps the figures live; the page is whole without it.
constexpr std::string_view kScript = R"(
for (const b of document.querySelectorAll('button[data-copy]')) {
  b.hidden = false;
  b.onclick = async () => {
    try { await navigator.clipboard.writeText(b.dataset.copy); b.textContent = 'Copied'; }
    catch { b.textContent = 'Select the address to copy it'; }
  };
}
async function refresh() {
  try {
    const f = await (await fetch(')" "/live.json" R"(', {cache: 'no-store'})).json();
    for (const s of ['ws', 'wss', 'wsn', 'wsns']) document.getElementById('conn-' + s).textContent = f.connections[s];
    document.getElementById('events-stored').textContent = f.events_stored;
    document.getElementById('events-rate').textContent = f.events_per_second.toFixed(1);
  } catch {}
}
setInterval(refresh, 5000);
)";

void row(std::string& out, std::string_view name, const std::string& value_html) {
    out += "<dt>" + html_escape(name) + "</dt><dd>" + value_html + "</dd>";
}

std::string code(std::string_view s) { return "<code>" + html_escape(s) + "</code>"; }

std::string rate(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

}  // namespace

std::string landing_page_html(const Config& cfg, const crypto::XOnlyPubkey& self,
                              const std::vector<std::string>& wsn_addresses, std::string_view version,
                              const LiveFigures& now) {
    std::string out = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
                      html_escape(cfg.name) + "</title><style>" + std::string(kStyle) + "</style></head><body>";
    out += "<h1>" + html_escape(cfg.name) + "</h1>";
    if (!cfg.description.empty()) out += "<p>" + html_escape(cfg.description) + "</p>";
    out += "<p>A Nostr relay. Its key, which wsn clients check on every connection:<br>" +
           code(nostr::encode_npub(self)) + "</p>";

    out += "<h2>Connect</h2>";
    if (wsn_addresses.empty()) out += "<p>No wsn address is announced.</p>";
    for (const std::string& a : wsn_addresses) {
        auto svg = qr_svg(a, "QR code of " + a);
        out += "<div class=\"addr\">" + (svg ? *svg : std::string()) + "<div>" + code(a) +
               "<br><button type=\"button\" data-copy=\"" + html_escape(a) + "\" hidden>Copy</button></div></div>";
    }
    const std::vector<std::string> plain = cfg.public_urls.empty() && cfg.allow_plaintext ? plain_urls(wsn_addresses)
                                                                                           : cfg.public_urls;
    if (!plain.empty()) {
        out += "<p>For Nostr clients without wsn (plain NIP-01):</p><ul>";
        for (const std::string& u : plain) out += "<li>" + code(u) + "</li>";
        out += "</ul>";
    }

    out += "<h2>Now</h2><div class=\"figures\">";
    static constexpr std::string_view kSchemes[] = {"ws", "wss", "wsn", "wsns"};
    for (size_t i = 0; i < 4; ++i)
        out += "<div><b id=\"conn-" + std::string(kSchemes[i]) + "\">" + std::to_string(now.connections[i]) +
               "</b>" + std::string(kSchemes[i]) + " connections</div>";
    out += "<div><b id=\"events-stored\">" + std::to_string(now.events_stored) + "</b>events stored</div>";
    out += "<div><b id=\"events-rate\">" + rate(now.events_per_second) + "</b>events per second</div></div>";

    out += "<h2>About</h2><dl>";
    if (!cfg.operator_pubkey.empty()) {
        auto op = crypto::parse_xonly_hex(cfg.operator_pubkey);
        row(out, "Operator", code(op ? nostr::encode_npub(*op) : cfg.operator_pubkey));
    }
    if (!cfg.contact.empty()) row(out, "Contact", code(cfg.contact));
    if (!cfg.icon.empty()) row(out, "Icon", code(cfg.icon));  // named, not loaded: the page fetches nothing
    std::string nips;
    for (int n : kSupportedNips) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%02d", n);
        nips += (nips.empty() ? "" : ", ") + std::string(buf);
    }
    row(out, "Supported NIPs", html_escape(nips));
    if (!version.empty()) row(out, "Software", html_escape("wsn " + std::string(version)));
    out += "</dl>";

    out += "<h2>Limits</h2><dl>";
    row(out, "Message size", std::to_string(cfg.max_message_bytes) + " bytes");
    row(out, "Event content", std::to_string(cfg.max_content_bytes) + " bytes");
    row(out, "Tags per event", std::to_string(cfg.max_event_tags));
    row(out, "Subscriptions per connection", std::to_string(cfg.max_subscriptions));
    row(out, "Filters per subscription", std::to_string(cfg.max_filters));
    row(out, "Events per query", std::to_string(cfg.max_limit));
    row(out, "Events per IP", cfg.events_per_ip.per_second > 0
                                  ? rate(cfg.events_per_ip.per_second) + " per second, bursts of " +
                                        std::to_string(size_t(cfg.events_per_ip.burst))
                                  : std::string("no limit"));
    row(out, "Authentication", cfg.auth_required_read || cfg.auth_required_write ? "required (NIP-42 or a wsn key)"
                                                                                 : "optional (NIP-42 or a wsn key)");
    if (!cfg.private_kinds.empty()) {
        std::string kinds;
        for (uint16_t k : cfg.private_kinds) kinds += (kinds.empty() ? "" : ", ") + std::to_string(k);
        row(out, "Private kinds (author and recipients only)", html_escape(kinds));
    }
    out += "</dl><script>" + std::string(kScript) + "</script></body></html>";
    return out;
}

std::vector<std::pair<std::string, std::string>> landing_page_headers() {
    return {{"Content-Security-Policy",
             "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
             "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
            {"X-Content-Type-Options", "nosniff"},
            {"Cache-Control", "no-store"}};
}

bool wants_html(std::string_view accept) {
    return accept.find("text/html") != std::string_view::npos && !wants_nip11(accept);
}

std::vector<std::string> plain_urls(const std::vector<std::string>& wsn_addresses) {
    std::vector<std::string> out;
    for (const std::string& s : wsn_addresses) {
        auto a = parse_address(s);
        if (!a) continue;
        a->scheme = a->scheme == Scheme::wsns ? Scheme::wss : Scheme::ws;
        a->key.reset();
        std::string u = format_address(*a);
        if (std::find(out.begin(), out.end(), u) == out.end()) out.push_back(std::move(u));
    }
    return out;
}

std::string live_figures_json(const LiveFigures& f) {
    char rate_buf[32];
    std::snprintf(rate_buf, sizeof rate_buf, "%.3f", f.events_per_second);
    return "{\"connections\":{\"ws\":" + std::to_string(f.connections[0]) + ",\"wss\":" +
           std::to_string(f.connections[1]) + ",\"wsn\":" + std::to_string(f.connections[2]) +
           ",\"wsns\":" + std::to_string(f.connections[3]) + "},\"events_stored\":" +
           std::to_string(f.events_stored) + ",\"events_per_second\":" + rate_buf + "}";
}

double EventRate::sample(double now, uint64_t total) {
    if (points_.empty() || now - points_.back().t >= kWindow / kPoints) {
        points_.push_back({now, total});
        if (points_.size() > kPoints) points_.erase(points_.begin());
    }
    // From the oldest sample within the window (or the oldest kept) to now.
    const Point* from = &points_.front();
    for (const Point& p : points_)
        if (now - p.t <= kWindow) {
            from = &p;
            break;
        }
    const double dt = now - from->t;
    return dt > 0 && total >= from->total ? double(total - from->total) / dt : 0;
}

}  // namespace wsn::relay
