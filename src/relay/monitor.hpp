#pragma once
// The monitor: holds every live subscription and sends each new event (stored by
// the writer, or ephemeral) to the subscriptions it matches, found through the
// index in relay::Subscriptions rather than by testing each one. It keeps the most
// recent stored batches so a subscription whose query snapshot predates them
// still gets them (see mon::Subscribe).
#include <chrono>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

#include "relay/shared.hpp"
#include "relay/subscriptions.hpp"

namespace wsn::relay {

// The query workers' subscribe and unsubscribe messages do not wake the monitor (a
// thread wake-up costs more here than handling one): it takes them at its next wake
// for a new event, or at this tick. A late Subscribe misses nothing (its replay starts
// at the query's watermark); a late Unsubscribe can let one more event through.
inline constexpr std::chrono::milliseconds kMonitorTick{5};

class Monitor {
public:
    explicit Monitor(Shared& sh) : sh_(sh) {}
    void run();

private:
    void handle(MonitorMsg& m);
    void deliver(const LiveEventPtr& ev);

    Shared& sh_;
    Subscriptions subs_;
    std::deque<std::pair<uint64_t, LiveEventPtr>> recent_;  // (batch, event), oldest first
    std::unordered_map<uint64_t, Readers> readers_;  // per connection, from its latest Subscribe
    std::vector<net::Server::Delivery> deliveries_;   // one event's, reused
};

}  // namespace wsn::relay
