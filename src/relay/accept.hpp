#pragma once
// The relay's rules for taking an event, as its Config sets them, in one place for
// the relay's verifier and `wsn import`, so a database restored from a backup holds
// what the relay under the same config would hold.
#include <cstdint>
#include <string>

#include "nostr/event.hpp"
#include "nostr/limits.hpp"
#include "relay/config.hpp"

namespace wsn::relay {

// What the parsers allow (message, event, content, tags and filter sizes).
nostr::Limits parser_limits(const Config& cfg);

// Why the config refuses the event at `now` (an OK false message with its NIP-01
// prefix), or "" if it does not: the pubkey and kind lists, created_at too far ahead,
// a passed NIP-40 expiration. Rules about the sender (authentication, NIP-70, rate
// limits, the write-policy plugin) belong to a connection and stay with the verifier.
std::string event_refusal(const Config& cfg, const nostr::Event& e, int64_t now);

}  // namespace wsn::relay
