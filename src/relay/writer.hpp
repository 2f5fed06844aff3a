#pragma once
// The writer: the one thread that writes the store. It drains its inbox into batches,
// commits each batch in one transaction (so fsync cost is shared), answers OK only
// after the commit, then (LMDB) hands the stored events to the monitor; a shared store
// (PostgreSQL) delivers them through its feed instead, and the writer publishes the
// ephemeral events there too. It also purges expired events (NIP-40) from time to time. A batch that fails (a full store) is
// written again one event per transaction, so it refuses only what cannot be stored.
#include <span>

#include "relay/shared.hpp"
#include "relay/vanish.hpp"

namespace wsn::relay {

class Writer {
public:
    explicit Writer(Shared& sh) : sh_(sh) {}
    void run();

private:
    void write_batch(std::span<AddEvent> batch);
    // Answers a written batch (or part of one) and hands what was stored to the monitor.
    void finish(std::span<AddEvent> batch, const std::vector<store::WriteOutcome>& outcomes);
    void failed(const Error& e);
    // A shared store: publishes ephemeral events to every frontend and answers them.
    void publish(std::span<AddEvent> ephemeral);
    // NIP-62: the stored requests to vanish, read once at start.
    void load_vanished();
    // A stored request to vanish: deletes what it covers, then stores the request again
    // (the deletion covered it too).
    void vanish(const LiveEvent& request);

    Shared& sh_;
    uint64_t failures_ = 0;  // events refused since the last one stored
    Vanished vanished_;
};

}  // namespace wsn::relay
