#include "relay/own_announcement.hpp"

#include <ctime>

#include "nostr/parser.hpp"
#include "wsn/announce_plan.hpp"
#include "wsn/announcement.hpp"

namespace wsn::relay {

bool announcing(const Config& cfg) {
    return !cfg.announce_directories.empty() || !cfg.announce_addresses.empty() || !cfg.announce_onion.empty();
}

Result<net::AnnouncerOptions> announcer_options(const Config& cfg, const crypto::SecretKey& key,
                                                const std::vector<std::string>& listener_addresses) {
    net::AnnouncerOptions o;
    o.key = key;
    const auto me = key.xonly_pubkey();
    for (const auto& s : cfg.announce_addresses) {
        auto a = s.find("://") == std::string::npos ? parse_relay_url("wsn://" + me.hex() + "@" + s) : parse_relay_url(s);
        if (!a || a->key_only()) return err("announce.addresses: '" + s + "': " + (a ? "no host" : a.error().message));
        if (a->key && *a->key != me) return err("announce.addresses: '" + s + "' names another key than the relay's");
        o.addresses.push_back(*a);
    }
    if (cfg.announce_addresses.empty()) o.addresses = reachable_addresses(listener_addresses);
    if (!cfg.announce_onion.empty()) {
        auto a = parse_relay_url("wsn://" + me.hex() + "@" + cfg.announce_onion);
        if (!a || a->host.kind != HostKind::onion)
            return err("announce.onion: '" + cfg.announce_onion + "': " +
                       (a ? "not an .onion address" : a.error().message));
        o.addresses.push_back(*a);
    }
    if (o.addresses.empty()) return err("announce: no address to announce (set announce.addresses)");
    if (o.addresses.size() > kMaxTransports)
        return err("announce: more than " + std::to_string(kMaxTransports) + " addresses");
    if (cfg.announce_interval < 60) return err("announce.interval must be at least 60 seconds");
    if (cfg.announce_expiry <= cfg.announce_interval) return err("announce.expiry must be more than announce.interval");
    o.directories = cfg.announce_directories;
    o.interval = cfg.announce_interval;
    o.expiry = cfg.announce_expiry;
    return o;
}

std::optional<nostr::Event> stored_announcement(const store::Store& store, const crypto::XOnlyPubkey& key) {
    nostr::Filter f;
    f.kinds = std::vector<uint16_t>{kAnnouncementKind};
    f.authors = std::vector<crypto::XOnlyPubkey>{key};
    f.limit = 1;
    auto q = store.query({f}, 1, static_cast<int64_t>(std::time(nullptr)));
    nostr::Parser parser;
    std::optional<nostr::Event> out;
    while (!q->step(1000, [&](const store::StoredEvent& se) {
        if (auto e = parser.parse_event(se.json); e && !out) out = std::move(*e);
    })) {
    }
    return out;
}

}  // namespace wsn::relay
