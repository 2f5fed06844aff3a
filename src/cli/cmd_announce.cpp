// `wsn announce --key FILE --address URI... --directory URL...`: signs the address
// announcement of the relay whose key is in FILE (DESIGN.md §8) and publishes it to
// each directory relay, printing their OK answers as `wsn event` does. For a relay run
// elsewhere, or one that does not announce itself.
#include <ctime>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/client_run.hpp"
#include "cli/commands.hpp"
#include "nostr/nip19.hpp"
#include "wsn/announcement.hpp"
#include "wsn/net/resolver.hpp"

namespace wsn::cli {

namespace {

struct AnnounceFlags {
    std::vector<std::string> addresses;
    int64_t expiry_seconds = kDefaultAnnouncementLifetime;
    std::optional<int64_t> created_at;
    bool print = false;
    ConnectFlags connect;
};

// A wsn/wsns/ws/wss URI with a host, or HOST:PORT for wsn. A key in it must be the signer's.
Result<Address> announced_address(const std::string& s, const crypto::XOnlyPubkey& me) {
    auto a = s.find("://") == std::string::npos ? parse_relay_url("wsn://" + me.hex() + "@" + s) : parse_relay_url(s);
    if (!a) return err("--address '" + s + "': " + a.error().message);
    if (a->key_only()) return err("--address '" + s + "': an announced address needs a host");
    if (a->key && *a->key != me)
        return err("--address '" + s + "': its key is not the one in --key (" + nostr::encode_npub(me) + ")");
    return a;
}

int run(const AnnounceFlags& f) {
    if (f.connect.key_file.empty()) return fail("--key FILE (the relay's key) is required", exit_usage);
    if (f.expiry_seconds < 60 || f.expiry_seconds > 365 * 86400)
        return fail("--expiry must be between 60 seconds and a year", exit_usage);
    auto opts = client_options(f.connect);
    if (!opts) return fail(opts.error().message, exit_usage);
    const auto me = opts->key->xonly_pubkey();
    std::vector<Address> where;
    for (const auto& s : f.addresses) {
        auto a = announced_address(s, me);
        if (!a) return fail(a.error().message, exit_usage);
        where.push_back(std::move(*a));
    }
    const auto event = build_announcement(*opts->key, where, f.created_at.value_or(std::time(nullptr)), f.expiry_seconds);
    if (f.print) print_line(nostr::to_json(event));
    const auto& dirs = opts->resolver->options().directories;
    if (dirs.empty()) {
        if (f.print) return exit_ok;
        return fail("no directory relays: give --directory URL (or list them in the client config), or --print",
                    exit_usage);
    }
    net::ClientOptions direct = *opts;
    direct.resolver = nullptr;  // a directory is dialed as written
    return for_each_relay(dirs, direct, [&](net::BlockingClient& c, const std::string& uri) {
        return publish(c, uri, event, opts->connect_timeout);
    });
}

}  // namespace

void register_announce(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<AnnounceFlags>();
    auto* c = app.add_subcommand("announce", "Sign a relay's address announcement (kind 11111) and publish it");
    c->add_option("-a,--address", f->addresses,
                  "An address of the relay: wsn://npub1...@host:port, wsns://..., or HOST:PORT for wsn (repeatable, "
                  "in the order clients should try them)")
        ->required();
    c->add_option("--expiry", f->expiry_seconds, "Seconds the announcement stays valid (NIP-40 expiration)")
        ->capture_default_str();
    c->add_option("--created-at", f->created_at, "Unix time of the announcement (default now)");
    c->add_flag("--print", f->print, "Also print the signed event (JSON) on stdout");
    add_connect_flags(*c, f->connect);
    c->get_option("--key")->description("The relay's key file: signs the announcement (required)");
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
