#pragma once
// When and what a relay (or gateway) announces (DESIGN.md §8), without the I/O: which of
// its listener addresses to announce, whether to sign anew, the next created_at, and the
// publishing backoff. The thread that signs and publishes is wsn/net/announcer.hpp.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nostr/event.hpp"
#include "wsn/address.hpp"

namespace wsn {

inline constexpr int64_t kDefaultAnnounceInterval = 6 * 3600;
inline constexpr std::chrono::milliseconds kFirstRetry{5000};
inline constexpr std::chrono::milliseconds kMaxRetry{15 * 60 * 1000};

// The listener addresses (canonical wsn:// / wsns://) worth announcing: those clients
// elsewhere can reach, so no loopback ones, unless every one is loopback (a relay that
// listens only on loopback is announced for the clients on this machine).
std::vector<Address> reachable_addresses(const std::vector<std::string>& listener_addresses);

// True when a new announcement of `addresses` is due: none was signed yet, the last one
// lists other addresses (or in another order), or it is `interval` seconds old or more.
bool announcement_due(const std::optional<nostr::Event>& last, const std::vector<Address>& addresses, int64_t now,
                      int64_t interval);

// A created_at later than the last one's, so it replaces it everywhere (now, or last + 1).
int64_t next_created_at(const std::optional<nostr::Event>& last, int64_t now);

// The wait after a failed publish: doubled, from kFirstRetry up to kMaxRetry.
std::chrono::milliseconds next_retry(std::chrono::milliseconds previous);

}  // namespace wsn
