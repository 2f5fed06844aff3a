#pragma once
// The feed reader: with a store shared by several frontends (PostgreSQL), the one
// thread that learns of new events — committed by any frontend, this one included —
// from the store's Feed, and hands them to the monitor as numbered batches (the
// numbers the query worker's watermarks refer to), with the ephemeral events the
// frontends published. With an embedded store (LMDB) there is no such thread: the
// writer hands the monitor what it committed.
#include <atomic>

#include "relay/shared.hpp"

namespace wsn::relay {

class FeedReader {
public:
    FeedReader(Shared& sh, store::Feed& feed) : sh_(sh), feed_(feed) {}
    // Until stop() (from another thread).
    void run();
    void stop() { stop_ = true; }

private:
    Shared& sh_;
    store::Feed& feed_;
    std::atomic<bool> stop_{false};
};

}  // namespace wsn::relay
