#pragma once
// NIP-62 requests to vanish. A kind-62 event whose `relay` tag names this relay (one of
// relay.public_urls, its wsn:// or wsns:// address by key, or ALL_RELAYS) deletes every
// event of its author up to its created_at and every gift wrap (kind 1059) p-tagging the
// author up to then; such events can never be stored again, while the request itself is
// kept (the writer does the deleting; this is the bookkeeping, sans-IO).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace wsn::relay {

inline constexpr uint16_t kVanishKind = 62;
inline constexpr uint16_t kGiftWrapKind = 1059;

// Whether e is a request to vanish from this relay.
bool names_this_relay(const nostr::Event& e, const std::vector<std::string>& public_urls,
                      const crypto::XOnlyPubkey& relay_key);

// The vanished pubkeys, each with the created_at its request covers.
class Vanished {
public:
    void add(const crypto::XOnlyPubkey& who, int64_t until);
    // Why e may not be stored ("" if it may): an author's event, or a gift wrap to them,
    // dated at or before their request.
    std::string refusal(const nostr::Event& e) const;
    // What a request from `who` up to `until` deletes.
    static std::vector<nostr::Filter> erased_by(const crypto::XOnlyPubkey& who, int64_t until);
    bool empty() const { return until_.empty(); }

private:
    std::map<crypto::XOnlyPubkey, int64_t> until_;
};

}  // namespace wsn::relay
