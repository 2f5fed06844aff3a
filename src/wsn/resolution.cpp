#include "wsn/resolution.hpp"

#include <algorithm>

#include <simdjson.h>

#include "nostr/parser.hpp"

namespace wsn {

std::string format_cache(const std::vector<CachedRelay>& relays) {
    std::string out = "{\"version\":1,\"relays\":[";
    for (size_t i = 0; i < relays.size(); ++i) {
        const CachedRelay& r = relays[i];
        if (i) out += ",\n";
        out += "{\"key\":\"" + r.key.hex() + "\",\"address\":";
        if (r.last_good) nostr::append_json_string(out, format_address(*r.last_good));
        else out += "null";
        out += ",\"announcement\":";
        if (r.announcement) nostr::append_json(out, *r.announcement);
        else out += "null";
        out += ",\"used_at\":" + std::to_string(r.used_at) + "}";
    }
    return out + "]}\n";
}

Result<std::vector<CachedRelay>> parse_cache(std::string_view text) {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(text.data(), text.size()).get_object().get(root)) return err("not a JSON object");
    uint64_t version = 0;
    if (root["version"].get_uint64().get(version) || version != 1) return err("unknown cache version");
    simdjson::dom::array list;
    if (root["relays"].get_array().get(list)) return err("no \"relays\" list");
    nostr::Parser events;
    std::vector<CachedRelay> out;
    for (auto item : list) {
        std::string_view key_hex;
        if (item["key"].get_string().get(key_hex)) continue;
        auto key = crypto::parse_xonly_hex(key_hex);
        if (!key) continue;
        CachedRelay r{*key, std::nullopt, std::nullopt, 0};
        std::string_view address;
        if (!item["address"].get_string().get(address)) {
            auto a = parse_address(address);
            if (a && !a->key_only() && a->key == *key) r.last_good = *a;
        }
        simdjson::dom::object ev;
        if (!item["announcement"].get_object().get(ev)) {
            auto e = events.parse_event(simdjson::minify(ev));
            if (e && e->pubkey == *key && e->kind == kAnnouncementKind) r.announcement = std::move(*e);
        }
        int64_t used = 0;
        if (!item["used_at"].get_int64().get(used)) r.used_at = used;
        if (r.last_good || r.announcement) out.push_back(std::move(r));
        if (out.size() == kMaxCachedRelays) break;
    }
    return out;
}

const CachedRelay* find_cached(const std::vector<CachedRelay>& relays, const crypto::XOnlyPubkey& key) {
    auto it = std::find_if(relays.begin(), relays.end(), [&](const CachedRelay& r) { return r.key == key; });
    return it == relays.end() ? nullptr : &*it;
}

bool remember(std::vector<CachedRelay>& relays, const CachedRelay& learnt) {
    auto it = std::find_if(relays.begin(), relays.end(), [&](const CachedRelay& r) { return r.key == learnt.key; });
    if (it == relays.end()) {
        if (relays.size() >= kMaxCachedRelays) {
            auto oldest = std::min_element(relays.begin(), relays.end(),
                                           [](const CachedRelay& a, const CachedRelay& b) { return a.used_at < b.used_at; });
            relays.erase(oldest);
        }
        relays.push_back(learnt);
        return true;
    }
    bool changed = false;
    if (learnt.last_good && it->last_good != learnt.last_good) {
        it->last_good = learnt.last_good;
        changed = true;
    }
    if (learnt.announcement && (!it->announcement || newer(*learnt.announcement, *it->announcement))) {
        it->announcement = learnt.announcement;
        changed = true;
    }
    // used_at alone is not worth a rewrite: it only orders eviction.
    if (changed) it->used_at = std::max(it->used_at, learnt.used_at);
    return changed;
}

Choice choose_announcement(const crypto::XOnlyPubkey& key, int64_t now, const std::optional<nostr::Event>& cached,
                           const std::vector<Received>& received) {
    // Each event is checked on its own first, then the newest valid one wins, so the
    // outcome does not depend on which directory answered first.
    std::vector<Received> all;
    if (cached) all.push_back({"cache", *cached});
    all.insert(all.end(), received.begin(), received.end());
    Choice c;
    std::vector<const Received*> valid;
    for (const Received& r : all) {
        if (auto a = accept_announcement(r.event, key, now); !a) {
            c.ignored.push_back(r.source + ": " + a.error().message);
            continue;
        }
        valid.push_back(&r);
        if (!c.best || newer(r.event, c.best->event)) c.best = *parse_announcement(r.event);
    }
    for (const Received* r : valid) {
        if (r->event.id == c.best->event.id) c.sources.push_back(r->source);
        else c.ignored.push_back(r->source + ": older than the newest announcement found");
    }
    return c;
}

std::vector<Address> candidates(const Announcement& a, bool have_socks5, const std::vector<Address>& skip) {
    std::vector<Address> out;
    for (const Transport& t : a.transports) {
        const Address& addr = t.address;
        if (!addr.key) continue;  // ws / wss: no key check
        if (t.network == Network::i2p || network_of(addr.host) == Network::i2p) continue;
        if ((t.network == Network::tor || addr.host.kind == HostKind::onion) && !have_socks5) continue;
        if (std::find(skip.begin(), skip.end(), addr) != skip.end()) continue;
        if (std::find(out.begin(), out.end(), addr) != out.end()) continue;
        out.push_back(addr);
    }
    return out;
}

}  // namespace wsn
