#pragma once
// The monitor: holds every live subscription and sends each new event (stored by
// the writer, or ephemeral) to the subscriptions it matches. It keeps the most
// recent stored batches so a subscription whose query snapshot predates them
// still gets them (see mon::Subscribe).
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "relay/shared.hpp"

namespace wsn::relay {

class Monitor {
public:
    explicit Monitor(Shared& sh) : sh_(sh) {}
    void run();

private:
    struct Sub {
        uint64_t conn;
        std::string id;
        std::vector<nostr::Filter> filters;
    };
    void handle(MonitorMsg& m);
    void deliver(const LiveEvent& e);
    void remove(uint64_t conn, const std::string* sub);

    Shared& sh_;
    // Subscriptions in one flat vector for a tight matching loop; index by (conn, id).
    std::vector<Sub> subs_;
    std::deque<std::pair<uint64_t, LiveEventPtr>> recent_;  // (batch, event), oldest first
};

}  // namespace wsn::relay
