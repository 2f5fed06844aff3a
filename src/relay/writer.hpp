#pragma once
// The writer: the one thread that writes LMDB. It drains its inbox into batches,
// commits each batch in one transaction (so fsync cost is shared), answers OK only
// after the commit, then hands the stored events to the monitor. It also purges
// expired events (NIP-40) from time to time. A batch that fails (a full store) is
// written again one event per transaction, so it refuses only what cannot be stored.
#include <span>

#include "relay/shared.hpp"

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

    Shared& sh_;
    uint64_t failures_ = 0;  // events refused since the last one stored
};

}  // namespace wsn::relay
