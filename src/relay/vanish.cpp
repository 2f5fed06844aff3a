#include "relay/vanish.hpp"

#include "nostr/nip19.hpp"
#include "relay/relay_url.hpp"

namespace wsn::relay {

bool names_this_relay(const nostr::Event& e, const std::vector<std::string>& public_urls,
                      const crypto::XOnlyPubkey& relay_key) {
    if (e.kind != kVanishKind) return false;
    const std::string npub = nostr::encode_npub(relay_key);
    for (const nostr::Tag& t : e.tags) {
        if (t.size() < 2 || t[0] != "relay") continue;
        std::string_view v = t[1];
        if (v == "ALL_RELAYS") return true;
        // wsn addresses name the relay by its key; host and port may be any of its listeners
        for (std::string_view scheme : {"wsn://", "wsns://"})
            if (v.starts_with(scheme) && v.substr(scheme.size()).starts_with(npub)) return true;
        // relay_url_matches accepts anything when no URL is configured; a vanish must not
        if (!public_urls.empty() && relay_url_matches(public_urls, v)) return true;
    }
    return false;
}

void Vanished::add(const crypto::XOnlyPubkey& who, int64_t until) {
    auto [it, fresh] = until_.emplace(who, until);
    if (!fresh) it->second = std::max(it->second, until);
}

std::string Vanished::refusal(const nostr::Event& e) const {
    if (until_.empty()) return "";
    if (e.kind == kVanishKind) return "";  // a request is kept; a newer one widens the range
    if (auto it = until_.find(e.pubkey); it != until_.end() && e.created_at <= it->second)
        return "blocked: this pubkey has asked to vanish from this relay (NIP-62)";
    if (e.kind == kGiftWrapKind)
        for (const nostr::Tag& t : e.tags) {
            if (t.size() < 2 || t[0] != "p") continue;
            auto k = crypto::parse_xonly_hex(t[1]);
            if (!k) continue;
            if (auto it = until_.find(*k); it != until_.end() && e.created_at <= it->second)
                return "blocked: the recipient has asked to vanish from this relay (NIP-62)";
        }
    return "";
}

std::vector<nostr::Filter> Vanished::erased_by(const crypto::XOnlyPubkey& who, int64_t until) {
    nostr::Filter mine;
    mine.authors = std::vector<crypto::XOnlyPubkey>{who};
    mine.until = until;
    nostr::Filter wraps;
    wraps.kinds = std::vector<uint16_t>{kGiftWrapKind};
    wraps.tags.push_back(nostr::TagFilter{'p', {who.hex()}});
    wraps.until = until;
    return {mine, wraps};
}

}  // namespace wsn::relay
