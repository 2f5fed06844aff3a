#pragma once
// The values the relay's threads pass to each other (see docs/architecture.md).
// Nothing mutable is shared: each message is moved into one inbox.
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "relay/private_kinds.hpp"
#include "relay/write_policy.hpp"
#include "wsn/net/server.hpp"

namespace wsn::relay {

// An event as the writer stored it (or an ephemeral one), with the compact JSON
// every reader is sent, shared read-only by every subscription it is delivered to.
using LiveEvent = nostr::CompactEvent;
using LiveEventPtr = std::shared_ptr<const LiveEvent>;

// To a verifier thread (from the I/O threads).
namespace in {
struct Open { net::SessionInfo info; std::string ip; };  // ip: relay/real_ip.hpp's client_ip
struct Text { uint64_t conn; std::string text; };
struct Closed { uint64_t conn; };
}  // namespace in
using IngestMsg = std::variant<in::Open, in::Text, in::Closed>;

// To the write-policy worker (only when a plugin is configured).
struct CheckPolicy {
    uint64_t conn;
    LiveEvent ev;
    PolicySource from;
    int64_t received_at;
};

// To the writer.
struct AddEvent {
    uint64_t conn;
    LiveEvent ev;
};

// To the query worker. CLOSE and a closed connection go through it too, not straight
// to the monitor: the query worker is what hands a subscription to the monitor (when
// its stored part begins), so only it can keep the monitor's Subscribe and
// Unsubscribe in order; a CLOSE that overtook a queued REQ would leave a live
// subscription nobody asked for.
namespace req {
// readers: who the connection is authenticated as, for private kinds (private_kinds.hpp);
// ip: the client's address, the first level of the query worker's fair shares.
struct Open { uint64_t conn; std::string sub; std::vector<nostr::Filter> filters; Readers readers; std::string ip; };
struct Count { uint64_t conn; std::string sub; std::vector<nostr::Filter> filters; Readers readers; std::string ip; };
struct Close { uint64_t conn; std::string sub; };
struct CloseConn { uint64_t conn; };
struct Drained { uint64_t conn; };  // its send queue went below the resume mark (net::Server::notify_drained)
}  // namespace req
using ReqMsg = std::variant<req::Open, req::Count, req::Close, req::CloseConn, req::Drained>;

// To the negentropy worker (NIP-77); `message` holds the protocol's bytes.
namespace neg {
struct Open { uint64_t conn; std::string sub; nostr::Filter filter; std::string message; };
struct Msg { uint64_t conn; std::string sub; std::string message; };
struct Close { uint64_t conn; std::string sub; };
struct CloseConn { uint64_t conn; };
}  // namespace neg
using NegMsg = std::variant<neg::Open, neg::Msg, neg::Close, neg::CloseConn>;

// To the live monitor.
namespace mon {
// A subscription whose stored part ran on a snapshot that holds every batch up to
// `watermark`; later batches still in the monitor's recent buffer are replayed to it.
struct Subscribe { uint64_t conn; std::string sub; std::vector<nostr::Filter> filters; uint64_t watermark; Readers readers; };
struct Unsubscribe { uint64_t conn; std::string sub; };
struct CloseConn { uint64_t conn; };
struct Stored { uint64_t batch; std::vector<LiveEventPtr> events; };
struct Ephemeral { LiveEventPtr event; };
}  // namespace mon
using MonitorMsg = std::variant<mon::Subscribe, mon::Unsubscribe, mon::CloseConn, mon::Stored, mon::Ephemeral>;

}  // namespace wsn::relay
