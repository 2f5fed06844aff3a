// `wsn req URI... [filter flags] [--stream]`: stored events (then live ones with
// --stream) as JSON lines, de-duplicated by id across relays.
#include <mutex>
#include <optional>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/commands.hpp"
#include "cli/stop_signals.hpp"

namespace wsn::cli {

namespace {

struct ReqFlags {
    std::vector<std::string> uris;
    FilterFlags filter;
    ConnectFlags connect;
    bool stream = false;
};

constexpr const char* kSubId = "wsn-req";
std::atomic<bool> stop{false};

int run(const ReqFlags& f) {
    auto filter = build_filter(f.filter);
    if (!filter) return fail(filter.error().message, exit_usage);
    if (auto u = parse_uris(f.uris); !u) return fail(u.error().message, exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    std::optional<StopSignals> signals;
    if (f.stream) {
        signals.emplace();
        signals->watch([](int) { stop = true; });
    }

    const std::string req = nostr::to_json(nostr::ClientMessage{nostr::ClientReq{kSubId, {*filter}}});
    std::mutex mu;
    Dedup seen;
    return for_each_relay(f.uris, *opts, [&](net::BlockingClient& c, const std::string& uri) {
        if (auto s = c.send(req); !s) {
            tell(uri, s.error().message);
            return Outcome::refused;
        }
        Conversation conv(c, uri, opts->connect_timeout, &stop);
        while (auto m = conv.next()) {
            if (auto* e = std::get_if<nostr::RelayEvent>(&*m); e && e->sub_id == kSubId) {
                if (auto v = nostr::verify(e->event); !v) {
                    tell(uri, "dropped event " + nostr::id_hex(e->event.id) + ": " + v.error().message);
                    continue;
                }
                std::lock_guard lock(mu);
                if (seen.first(e->event.id)) print_line(nostr::to_json(e->event));
            } else if (auto* eose = std::get_if<nostr::RelayEose>(&*m); eose && eose->sub_id == kSubId) {
                if (!f.stream) {
                    (void)c.send(nostr::to_json(nostr::ClientMessage{nostr::ClientClose{kSubId}}));
                    return Outcome::ok;
                }
                tell(uri, "end of stored events (EOSE); now streaming new events");
                conv.no_deadline();
            } else if (auto* closed = std::get_if<nostr::RelayClosed>(&*m); closed && closed->sub_id == kSubId) {
                tell(uri, "subscription closed by the relay: " + closed->message);
                return Outcome::refused;
            }
        }
        return conv.stopped() ? Outcome::ok : Outcome::refused;
    });
}

}  // namespace

void register_req(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<ReqFlags>();
    auto* c = app.add_subcommand("req", "Query relays: stored events as JSON lines (then live ones with --stream)");
    c->add_option("uri", f->uris, "Relay URIs: wsn://npub1...@host:port, wsns://, ws://, wss://")->required();
    add_filter_flags(*c, f->filter);
    c->add_flag("--stream", f->stream, "After the stored events, keep printing new ones until SIGINT/SIGTERM");
    add_connect_flags(*c, f->connect);
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
