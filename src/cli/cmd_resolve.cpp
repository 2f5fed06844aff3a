// `wsn resolve ADDRESS [--directory URL...] [--json]`: what the directory relays (and the
// cache) say about a relay's key: its announcement's addresses, and who answered.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/commands.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/resolver.hpp"

namespace wsn::cli {

namespace {

struct ResolveFlags {
    std::string address;
    bool json = false;
    ConnectFlags connect;
};

std::string json_list(const std::vector<std::string>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
        if (i) out += ",";
        nostr::append_json_string(out, v[i]);
    }
    return out + "]";
}

int run(const ResolveFlags& f) {
    auto addr = parse_relay_url(f.address);
    if (!addr) return fail("'" + f.address + "': " + addr.error().message, exit_usage);
    if (!addr->key) return fail("'" + f.address + "': a ws:// or wss:// URL has no key to resolve", exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    const auto& ro = opts->resolver->options();
    if (ro.directories.empty())
        warn("no directory relays (give --directory URL, or list them in the client config): only the cache is read");
    auto l = opts->resolver->lookup_blocking(*addr->key, *opts);
    for (const auto& u : l.unreachable) tell("resolve", u);
    const auto& best = l.choice.best;
    const bool tor = !opts->socks5_proxy.empty();
    const auto usable = best ? candidates(*best, tor) : std::vector<Address>{};
    if (f.json) {
        std::string out = "{\"npub\":\"" + nostr::encode_npub(*addr->key) + "\",\"pubkey\":\"" + addr->key->hex() + "\"";
        if (best) {
            out += ",\"created_at\":" + std::to_string(best->created_at) +
                   ",\"expires_at\":" + std::to_string(best->expires_at) + ",\"addresses\":[";
            for (size_t i = 0; i < best->transports.size(); ++i) {
                const Transport& t = best->transports[i];
                if (i) out += ",";
                out += "{\"uri\":";
                nostr::append_json_string(out, format_address(t.address));
                out += ",\"network\":\"" + std::string(network_name(t.network)) + "\",\"usable\":";
                out += std::find(usable.begin(), usable.end(), t.address) != usable.end() ? "true" : "false";
                out += "}";
            }
            out += "],\"sources\":" + json_list(l.choice.sources) + ",\"event\":" + nostr::to_json(best->event);
        } else {
            out += ",\"addresses\":null,\"sources\":[],\"event\":null";
        }
        out += ",\"ignored\":" + json_list(l.choice.ignored) + ",\"unreachable\":" + json_list(l.unreachable) + "}";
        print_line(out);
    } else if (best) {
        print_line(fmt::format("{} announced at {} (expires {}), from {}", nostr::encode_npub(*addr->key),
                               best->created_at, best->expires_at, fmt::join(l.choice.sources, ", ")));
        for (const Transport& t : best->transports) {
            const bool ok = std::find(usable.begin(), usable.end(), t.address) != usable.end();
            print_line(fmt::format("  {}  {}{}", format_address(t.address), network_name(t.network),
                                   ok ? "" : (t.address.key ? " (needs --socks5)" : " (no key check: not used)")));
        }
        for (const auto& s : l.choice.ignored) tell("resolve", "ignored: " + s);
    } else {
        for (const auto& s : l.choice.ignored) tell("resolve", "ignored: " + s);
    }
    if (!best) {
        tell(f.address, "no announcement of " + nostr::encode_npub(*addr->key) + " found");
        return exit_unreachable;
    }
    return exit_ok;
}

}  // namespace

void register_resolve(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<ResolveFlags>();
    auto* c = app.add_subcommand("resolve", "Look up a relay's signed address announcement by its key");
    c->add_option("address", f->address, "wsn://npub1... (with or without a host), or an npub's wsn address")->required();
    c->add_flag("--json", f->json, "One JSON object: addresses, sources, ignored announcements, the event");
    add_connect_flags(*c, f->connect);
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
