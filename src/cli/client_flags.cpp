#include "cli/client_flags.hpp"

#include <algorithm>

#include <charconv>
#include <cmath>
#include <cstdio>

#include <simdjson.h>

#include "cli/client_config.hpp"
#include "cli/client_run.hpp"
#include "files/key_file.hpp"
#include "files/state_file.hpp"
#include "nostr/nip19.hpp"
#include "util/hex.hpp"
#include "wsn/net/resolver.hpp"
#include "wsn/net/socks5.hpp"

namespace wsn::cli {

void add_connect_flags(CLI::App& cmd, ConnectFlags& f) {
    cmd.add_option("--key", f.key_file,
                   "Key file whose key authenticates in the wsn handshake (default: a fresh key, anonymous)");
    cmd.add_option("--socks5", f.socks5, "Connect through a SOCKS5 proxy HOST:PORT (Tor: 127.0.0.1:9050)");
    cmd.add_option("--timeout", f.timeout_seconds, "Seconds to wait for connecting and for each answer")
        ->capture_default_str();
    cmd.add_option("--tls-ca", f.tls_ca, "wss: also trust the certificates in this PEM file (e.g. a self-signed relay's)");
    add_directory_flag(cmd, f);
}

void add_directory_flag(CLI::App& cmd, ConnectFlags& f) {
    cmd.add_option("--directory", f.directories,
                   "A directory relay to look up wsn://npub1... addresses on (repeatable; added to the client "
                   "config's list, docs/discovery.md)");
}

namespace {

Result<std::shared_ptr<net::Resolver>> make_resolver(const ConnectFlags& f) {
    auto cfg = read_client_config(default_client_config_path());
    if (!cfg) return err("client config: " + cfg.error().message);
    net::ResolverOptions ro;
    ro.directories = cfg->directories;
    for (const auto& d : f.directories) {
        auto a = parse_relay_url(d);
        if (!a) return err("--directory '" + d + "': " + a.error().message);
        if (a->key_only()) return err("--directory '" + d + "': a directory relay needs a host");
        if (std::find(ro.directories.begin(), ro.directories.end(), d) == ro.directories.end()) ro.directories.push_back(d);
    }
    if (cfg->cache) ro.cache_file = files::default_state_path("resolve-cache.json");
    ro.address_timeout = cfg->address_timeout;
    ro.directory_timeout = cfg->directory_timeout;
    ro.log = [](const std::string& s) { tell("resolve", s); };
    return std::make_shared<net::Resolver>(std::move(ro));
}

}  // namespace

Result<net::ClientOptions> client_options(const ConnectFlags& f) {
    net::ClientOptions out;
    if (!f.key_file.empty()) {
        auto kf = files::read_key_file(f.key_file);
        if (!kf) return err("--key: " + kf.error().message);
        if (!kf->warning.empty()) std::fprintf(stderr, "wsn: warning: %s\n", kf->warning.c_str());
        out.key = std::move(kf->key);
    }
    if (!f.socks5.empty()) {
        if (auto hp = net::parse_socks5_proxy(f.socks5); !hp) return err("--socks5: " + hp.error().message);
        out.socks5_proxy = f.socks5;
    }
    if (!(f.timeout_seconds > 0) || f.timeout_seconds > 86400)
        return err("--timeout must be more than 0 and at most 86400 seconds");
    out.connect_timeout = std::chrono::milliseconds(int64_t(std::ceil(f.timeout_seconds * 1000)));
    out.handshake_timeout = out.connect_timeout;
    out.tls_ca_file = f.tls_ca;
    auto r = make_resolver(f);
    if (!r) return r.error();
    out.resolver = std::move(*r);
    return out;
}

void add_filter_flags(CLI::App& cmd, FilterFlags& f) {
    cmd.add_option("-k,--kind", f.kinds, "Event kind (repeatable)");
    cmd.add_option("-a,--author", f.authors, "Author pubkey, npub or hex (repeatable)");
    cmd.add_option("-i,--id", f.ids, "Event id, note1 or hex (repeatable)");
    cmd.add_option("-t,--tag", f.tags, "Tag filter x=value: events with tag x of that value (repeatable)");
    cmd.add_option("--since", f.since, "Only events created at or after this Unix time");
    cmd.add_option("--until", f.until, "Only events created at or before this Unix time");
    cmd.add_option("-l,--limit", f.limit, "At most this many stored events (per relay)");
}

Result<crypto::XOnlyPubkey> parse_author(std::string_view s) {
    if (s.starts_with("npub1") || s.starts_with("NPUB1")) return nostr::decode_npub(s);
    if (s.size() == 64) {
        auto lower = std::string(s);
        for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
        return crypto::parse_xonly_hex(lower);
    }
    return err("expected an npub or 64 hex characters");
}

Result<nostr::Id> parse_event_id(std::string_view s) {
    if (s.starts_with("note1") || s.starts_with("NOTE1")) return nostr::decode_note(s);
    if (auto id = from_hex_fixed<32>(s)) return *id;
    return err("expected a note1 or 64 hex characters");
}

Result<nostr::Tag> parse_tag(std::string_view s) {
    if (s.starts_with('[')) {
        simdjson::dom::parser parser;
        simdjson::dom::array arr;
        if (parser.parse(s.data(), s.size()).get_array().get(arr))
            return err("'" + std::string(s) + "' is not a JSON array");
        nostr::Tag tag;
        for (auto el : arr) {
            std::string_view v;
            if (el.get_string().get(v)) return err("'" + std::string(s) + "': every element must be a string");
            tag.emplace_back(v);
        }
        if (tag.empty()) return err("'" + std::string(s) + "': a tag needs a name");
        return tag;
    }
    size_t eq = s.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return err("'" + std::string(s) + "': expected NAME=VALUE or a JSON array of strings");
    return nostr::Tag{std::string(s.substr(0, eq)), std::string(s.substr(eq + 1))};
}

Result<nostr::Filter> build_filter(const FilterFlags& f) {
    nostr::Filter out;
    if (!f.kinds.empty()) out.kinds = f.kinds;
    if (!f.authors.empty()) {
        out.authors.emplace();
        for (const auto& a : f.authors) {
            auto k = parse_author(a);
            if (!k) return err("--author '" + a + "': " + k.error().message);
            out.authors->push_back(*k);
        }
    }
    if (!f.ids.empty()) {
        out.ids.emplace();
        for (const auto& i : f.ids) {
            auto id = parse_event_id(i);
            if (!id) return err("--id '" + i + "': " + id.error().message);
            out.ids->push_back(*id);
        }
    }
    for (const auto& t : f.tags) {
        size_t eq = t.find('=');
        if (eq != 1 || !std::isalpha(static_cast<unsigned char>(t[0])))
            return err("--tag '" + t + "': expected x=value with a one-letter tag name");
        // Repeated names are one "#x" list (any of the values), as NIP-01 allows one per name.
        auto same = std::find_if(out.tags.begin(), out.tags.end(), [&](const nostr::TagFilter& x) { return x.name == t[0]; });
        if (same != out.tags.end()) same->values.push_back(t.substr(2));
        else out.tags.push_back({t[0], {t.substr(2)}});
    }
    if (f.since && *f.since < 0) return err("--since must not be negative");
    if (f.until && *f.until < 0) return err("--until must not be negative");
    if (f.since && f.until && *f.since > *f.until) return err("--since is after --until: nothing could match");
    out.since = f.since;
    out.until = f.until;
    out.limit = f.limit;
    out.normalize();
    return out;
}

Result<std::vector<Address>> parse_uris(const std::vector<std::string>& uris) {
    std::vector<Address> out;
    for (const auto& u : uris) {
        auto a = parse_relay_url(u);
        if (!a) return err("'" + u + "': " + a.error().message);
        out.push_back(std::move(*a));
    }
    return out;
}

int exit_code(size_t relays, size_t unreachable, size_t refused) {
    if (relays > 0 && unreachable == relays) return exit_unreachable;
    if (unreachable > 0 || refused > 0) return exit_refused;
    return exit_ok;
}

}  // namespace wsn::cli
