// `wsn count URI... [filter flags]`: NIP-45 counts, one JSON line per relay.
#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/commands.hpp"
#include "util/hex.hpp"

namespace wsn::cli {

namespace {

struct CountFlags {
    std::vector<std::string> uris;
    FilterFlags filter;
    ConnectFlags connect;
};

constexpr const char* kSubId = "wsn-count";

int run(const CountFlags& f) {
    auto filter = build_filter(f.filter);
    if (!filter) return fail(filter.error().message, exit_usage);
    if (auto u = parse_uris(f.uris); !u) return fail(u.error().message, exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);

    const std::string msg = nostr::to_json(nostr::ClientMessage{nostr::ClientCount{kSubId, {*filter}}});
    return for_each_relay(f.uris, *opts, [&](net::BlockingClient& c, const std::string& uri) {
        if (auto s = c.send(msg); !s) {
            tell(uri, s.error().message);
            return Outcome::refused;
        }
        Conversation conv(c, uri, opts->connect_timeout);
        while (auto m = conv.next()) {
            if (auto* n = std::get_if<nostr::RelayCount>(&*m); n && n->sub_id == kSubId) {
                std::string line = "{\"relay\":";
                nostr::append_json_string(line, uri);
                line += ",\"count\":" + std::to_string(n->count);
                if (n->approximate) line += std::string(",\"approximate\":") + (*n->approximate ? "true" : "false");
                if (n->hll) line += ",\"hll\":\"" + to_hex(*n->hll) + "\"";
                print_line(line + "}");
                return Outcome::ok;
            }
            if (auto* closed = std::get_if<nostr::RelayClosed>(&*m); closed && closed->sub_id == kSubId) {
                tell(uri, "count refused: " + closed->message);
                return Outcome::refused;
            }
        }
        return Outcome::refused;
    });
}

}  // namespace

void register_count(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<CountFlags>();
    auto* c = app.add_subcommand("count", "Count matching events on relays (NIP-45), one JSON line per relay");
    c->add_option("uri", f->uris, "Relay URIs: wsn://npub1...@host:port, wsns://, ws://, wss://")->required();
    add_filter_flags(*c, f->filter);
    add_connect_flags(*c, f->connect);
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
