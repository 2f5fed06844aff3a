#pragma once
// The relay's rules for taking an event, as its Config sets them, in one place for
// the relay's verifier and `wsn import`, so a database restored from a backup holds
// what the relay under the same config would hold.
#include <cstdint>
#include <string>

#include "nostr/event.hpp"
#include "nostr/limits.hpp"
#include "relay/config.hpp"
#include "relay/moderation.hpp"

namespace wsn::relay {

// What the parsers allow (message, event, content, tags and filter sizes).
nostr::Limits parser_limits(const Config& cfg);

// Why the config and the management API's lists (moderation.hpp) refuse the event at
// `now` (an OK false message with its NIP-01 prefix), or "" if they do not: banned events,
// the pubkey and kind lists, created_at too far ahead, a passed NIP-40 expiration. A deny
// entry in either refuses; an allow list in either admits (both empty: everyone); an
// event the API allowed passes the pubkey and kind lists. Rules about the sender
// (authentication, NIP-70, rate limits, IP blocks, the write-policy plugin) belong to a
// connection and stay with the verifier.
std::string event_refusal(const Config& cfg, const Moderation& mod, const nostr::Event& e, int64_t now);

}  // namespace wsn::relay
