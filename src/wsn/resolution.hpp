#pragma once
// Resolving a relay's key to addresses (DESIGN.md §8), the decisions without the I/O:
// which announcement wins among the cached one and the directories' answers, which of
// its addresses to try and in what order, and what the client remembers (the cache,
// its text form). The dialing, the directory queries and the cache file are at the
// edge (wsn/net/resolver.hpp). Sans-IO: the clock is a parameter.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"
#include "util/result.hpp"
#include "wsn/address.hpp"
#include "wsn/announcement.hpp"

namespace wsn {

// What the client remembers of one relay.
struct CachedRelay {
    crypto::XOnlyPubkey key;
    std::optional<Address> last_good;          // the address that worked last
    std::optional<nostr::Event> announcement;  // the newest accepted one
    int64_t used_at = 0;                       // unix seconds, for eviction
};

inline constexpr size_t kMaxCachedRelays = 1000;  // least recently used ones go first

// The cache's text (one JSON object, versioned):
//   {"version":1,"relays":[{"key":"<hex>","address":"wsn://…"|null,"announcement":{…}|null,"used_at":N}]}
std::string format_cache(const std::vector<CachedRelay>& relays);
// Reads it back; entries that do not read (a bad address, an event that is not the
// key's) are dropped, since the cache is only a hint. Errors only for text that is
// not a cache at all.
[[nodiscard]] Result<std::vector<CachedRelay>> parse_cache(std::string_view text);

// The entry for `key`, or nullptr.
const CachedRelay* find_cached(const std::vector<CachedRelay>& relays, const crypto::XOnlyPubkey& key);
// Records what a connect learnt: a new last_good address and/or a newer announcement
// (an older one never replaces the one held). At most kMaxCachedRelays entries, the
// least recently used dropped. True when anything changed (the file is then rewritten).
bool remember(std::vector<CachedRelay>& relays, const CachedRelay& learnt);

// An announcement received from a directory relay.
struct Received {
    std::string source;  // the directory's URL
    nostr::Event event;
};

// The winner among the cached announcement and the received ones, by the acceptance
// rules (accept_announcement): newest wins, ties by lower id, whatever the order of
// `received`. `sources` names where the winning event came from ("cache" and/or
// directory URLs); `ignored` says why each other event was not taken ("<source>:
// expired (…)", "<source>: older than the newest announcement found").
struct Choice {
    std::optional<Announcement> best;
    std::vector<std::string> sources;
    std::vector<std::string> ignored;
};
Choice choose_announcement(const crypto::XOnlyPubkey& key, int64_t now, const std::optional<nostr::Event>& cached,
                           const std::vector<Received>& received);

// The addresses worth dialing, in announcement order: wsn and wsns transports only (a
// ws or wss one proves nothing about the key), tor ones only with a SOCKS5 proxy, no
// i2p (not supported), none in `skip` (already tried), no duplicates. The key and path
// are the announcement's.
std::vector<Address> candidates(const Announcement& a, bool have_socks5, const std::vector<Address>& skip = {});

}  // namespace wsn
