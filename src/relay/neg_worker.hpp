#pragma once
// The negentropy worker (NIP-77): NEG-OPEN reads the (created_at, id) of the filter's
// matches from the store (Store::scan_ids, never the events), and the session answers
// each NEG-MSG from that snapshot as the negentropy responder until NEG-CLOSE, the
// connection's end, or the idle timeout. Its own thread, so a sync never delays a REQ.
// Limits (docs/sync.md): sessions per connection, records per session, idle time.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "negentropy/reconciler.hpp"
#include "relay/shared.hpp"

namespace wsn::relay {

class NegWorker {
public:
    explicit NegWorker(Shared& sh);
    void run();

private:
    struct Session {
        std::unique_ptr<negentropy::ItemSet> items;  // the reconciler points into it
        std::unique_ptr<negentropy::Reconciler> reconciler;
        std::chrono::steady_clock::time_point last_active;
    };
    using Key = std::pair<uint64_t, std::string>;  // (conn, sub)

    void handle(NegMsg& m);
    void open(neg::Open& m);
    void answer(const Key& key, Session& s, const std::string& message);
    void expire_idle();
    size_t sessions_of(uint64_t conn) const;

    Shared& sh_;
    negentropy::Limits limits_;
    std::map<Key, Session> sessions_;
};

}  // namespace wsn::relay
