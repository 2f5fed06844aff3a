#pragma once
// The address announcement (DESIGN.md §8): one signed, replaceable kind-11111 event
// in which a relay's own key says where the relay can be reached.
//
//     { "kind": 11111, "pubkey": <relay key>, "content": "",
//       "tags": [ ["clearnet", "203.0.113.7:7447", "wsn"],
//                 ["tor", "<56 base32>.onion:7447", "wsn"],
//                 ["clearnet", "relay.example.com:443", "wsns", "/nostr"],
//                 ["expiration", "<created_at + 1209600>"] ] }
//
// A transport tag is [network, address, protocol, path?]: network clearnet, tor or
// i2p; address host[:port] as in a wsn URI (IPv6 in brackets, no scheme, no slash;
// the protocol's default port when omitted); protocol wsn, wsns, ws or wss; path
// default "/". Tags of another network or protocol are skipped (later versions may
// add some); other tags are ignored. Sans-IO: the clock is a parameter.
//
// Addresses are hints: the Noise handshake is the proof of the key, so the worst a
// forged or stale announcement can do is cost a failed connection.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"
#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn {

inline constexpr uint16_t kAnnouncementKind = 11111;
inline constexpr int64_t kDefaultAnnouncementLifetime = 14 * 24 * 3600;  // expiration - created_at
inline constexpr int64_t kMaxClockSkew = 600;  // created_at at most this far ahead of the reader's clock
inline constexpr size_t kMaxTransports = 64;   // more transport tags than this: refused (bounded work)

enum class Network { clearnet, tor, i2p };
std::string_view network_name(Network n);  // "clearnet", "tor", "i2p"
// The network an address is on: tor for .onion, i2p for .i2p, otherwise clearnet.
Network network_of(const Host& host);

struct Transport {
    Network network = Network::clearnet;
    // scheme, host, port and path as announced; key set for wsn/wsns (the announcer's).
    Address address;
    bool operator==(const Transport&) const = default;
};

struct Announcement {
    crypto::XOnlyPubkey key;
    int64_t created_at = 0;
    uint64_t expires_at = 0;
    std::vector<Transport> transports;  // in announcement order, unknown ones skipped
    nostr::Event event;                 // as signed, for storing and passing on
};

// The transport tag of an address with a host: ["clearnet", "203.0.113.7:7447", "wsn"],
// path appended when not "/".
nostr::Tag transport_tag(const Transport& t);

// A signed announcement of `addresses` (each with a host; their keys are ignored: the
// announcer's key is the one announced), in that order, expiring `lifetime` seconds
// after created_at.
nostr::Event build_announcement(const crypto::SecretKey& key, const std::vector<Address>& addresses,
                                int64_t created_at, int64_t lifetime = kDefaultAnnouncementLifetime);

// Reads an event as an announcement: kind, tag grammar and expiration, without
// checking the signature or the clock (accept_announcement does). Errors name the
// fault: "not an announcement (kind 1, expected 11111)", "no expiration tag",
// "bad expiration tag 'x'", "more than one expiration tag",
// "transport tag 2 has no address or protocol", "bad address in transport tag 2: ...",
// "bad path in transport tag 2: ...", "too many transport tags (more than 64)".
[[nodiscard]] Result<Announcement> parse_announcement(const nostr::Event& e);

// The acceptance rules, in order: signature by the key looked for ("announcement
// signed by another key"), valid id and signature ("bad signature"), grammar
// (parse_announcement), created_at at most kMaxClockSkew ahead of now ("created_at
// too far ahead"), not expired ("expired"), and newer than `held`, the one the
// caller already has ("older than the announcement held", "same as the announcement
// held"). The Error is what a resolver logs when it ignores an announcement.
[[nodiscard]] Result<Announcement> accept_announcement(const nostr::Event& e, const crypto::XOnlyPubkey& key,
                                                       int64_t now, const Announcement* held = nullptr);

// True when `a` replaces `b` under NIP-01's rule for replaceable events: later
// created_at, and on a tie the lower id.
bool newer(const nostr::Event& a, const nostr::Event& b);

}  // namespace wsn
