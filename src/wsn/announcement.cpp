// Transport tags are read through the address parser itself: the tag's address and
// path become a ws:// (or wss://) URL, so a host, a port and a path mean exactly
// what they mean in a wsn URI, with the same errors.
#include "wsn/announcement.hpp"

#include <charconv>
#include <string>

namespace wsn {
namespace {

std::optional<Scheme> protocol(std::string_view s) {
    if (s == "wsn") return Scheme::wsn;
    if (s == "wsns") return Scheme::wsns;
    if (s == "ws") return Scheme::ws;
    if (s == "wss") return Scheme::wss;
    return std::nullopt;
}

std::optional<Network> network(std::string_view s) {
    if (s == "clearnet") return Network::clearnet;
    if (s == "tor") return Network::tor;
    if (s == "i2p") return Network::i2p;
    return std::nullopt;
}

// The carrier of a scheme: wsn rides ws, wsns rides wss (same default ports).
Scheme carrier(Scheme s) { return s == Scheme::wsn ? Scheme::ws : s == Scheme::wsns ? Scheme::wss : s; }

// "host[:port]" as in a URI authority, default port omitted.
std::string authority(const Address& a) { return format_host_port(a.host.name, a.port, default_port(a.scheme)); }

std::string tag_name(size_t index) { return "transport tag " + std::to_string(index); }

Result<Transport> parse_transport(const nostr::Tag& tag, size_t index, Network net, const crypto::XOnlyPubkey& key) {
    if (tag.size() < 3) return err(tag_name(index) + " has no address or protocol");
    const std::string& address = tag[1];
    auto scheme = protocol(tag[2]);
    if (address.empty()) return err("bad address in " + tag_name(index) + ": empty");
    if (address.find_first_of("/?#@") != std::string::npos)
        return err("bad address in " + tag_name(index) + ": host[:port] only (no scheme, key, path or '@')");
    std::string path = "/";
    if (tag.size() > 3) {
        if (!tag[3].starts_with('/')) return err("bad path in " + tag_name(index) + ": must start with '/'");
        auto p = parse_path(tag[3]);
        if (!p) return err("bad path in " + tag_name(index) + ": " + p.error().message);
        path = std::move(*p);
    }
    auto url = parse_relay_url(std::string(scheme_name(carrier(*scheme))) + "://" + address + path);
    if (!url) return err("bad address in " + tag_name(index) + ": " + url.error().message);
    Transport t{net, std::move(*url)};
    t.address.scheme = *scheme;
    if (*scheme == Scheme::wsn || *scheme == Scheme::wsns) t.address.key = key;
    return t;
}

}  // namespace

std::string_view network_name(Network n) {
    switch (n) {
        case Network::clearnet: return "clearnet";
        case Network::tor: return "tor";
        case Network::i2p: return "i2p";
    }
    return "?";
}

Network network_of(const Host& host) {
    if (host.kind == HostKind::onion) return Network::tor;
    if (host.kind == HostKind::dns && (host.name.ends_with(".i2p"))) return Network::i2p;
    return Network::clearnet;
}

nostr::Tag transport_tag(const Transport& t) {
    nostr::Tag tag{std::string(network_name(t.network)), authority(t.address), std::string(scheme_name(t.address.scheme))};
    if (t.address.path != "/") tag.push_back(t.address.path);
    return tag;
}

nostr::Event build_announcement(const crypto::SecretKey& key, const std::vector<Address>& addresses,
                                int64_t created_at, int64_t lifetime) {
    std::vector<nostr::Tag> tags;
    for (const Address& a : addresses) tags.push_back(transport_tag(Transport{network_of(a.host), a}));
    tags.push_back({"expiration", std::to_string(created_at + lifetime)});
    return nostr::make_signed(key, created_at, kAnnouncementKind, std::move(tags), "");
}

Result<Announcement> parse_announcement(const nostr::Event& e) {
    if (e.kind != kAnnouncementKind)
        return err("not an announcement (kind " + std::to_string(e.kind) + ", expected " +
                   std::to_string(kAnnouncementKind) + ")");
    Announcement a{e.pubkey, e.created_at, 0, {}, e};
    std::optional<uint64_t> expiration;
    size_t transport_tags = 0;
    for (size_t i = 0; i < e.tags.size(); ++i) {
        const nostr::Tag& tag = e.tags[i];
        if (tag.empty()) continue;
        if (tag[0] == "expiration") {
            if (expiration) return err("more than one expiration tag");
            uint64_t t = 0;
            const std::string v = tag.size() > 1 ? tag[1] : "";
            auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
            if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size())
                return err("bad expiration tag '" + v.substr(0, 24) + "' (expected unix seconds)");
            expiration = t;
            continue;
        }
        auto net = network(tag[0]);
        if (!net) continue;  // not a transport tag
        if (++transport_tags > kMaxTransports)
            return err("too many transport tags (more than " + std::to_string(kMaxTransports) + ")");
        if (tag.size() >= 3 && !protocol(tag[2])) continue;  // a protocol we do not speak
        auto t = parse_transport(tag, i, *net, e.pubkey);
        if (!t) return t.error();
        a.transports.push_back(std::move(*t));
    }
    if (!expiration) return err("no expiration tag");
    a.expires_at = *expiration;
    return a;
}

Result<Announcement> accept_announcement(const nostr::Event& e, const crypto::XOnlyPubkey& key, int64_t now,
                                         const Announcement* held) {
    if (e.pubkey != key) return err("announcement signed by another key (" + e.pubkey.hex() + ")");
    if (auto v = nostr::verify(e); !v) return err("bad announcement: " + v.error().message);
    auto a = parse_announcement(e);
    if (!a) return a;
    if (e.created_at > now + kMaxClockSkew)
        return err("created_at too far ahead (" + std::to_string(e.created_at - now) + " s past our clock, at most " +
                   std::to_string(kMaxClockSkew) + ")");
    if (now >= 0 && a->expires_at <= static_cast<uint64_t>(now))
        return err("expired (" + std::to_string(now - static_cast<int64_t>(a->expires_at)) + " s ago)");
    if (held) {
        if (held->event.id == e.id) return err("same as the announcement held");
        if (!newer(e, held->event)) return err("older than the announcement held");
    }
    return a;
}

bool newer(const nostr::Event& a, const nostr::Event& b) {
    if (a.created_at != b.created_at) return a.created_at > b.created_at;
    return a.id < b.id;
}

}  // namespace wsn
