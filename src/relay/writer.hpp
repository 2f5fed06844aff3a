#pragma once
// The writer: the one thread that writes LMDB. It drains its inbox into batches,
// commits each batch in one transaction (so fsync cost is shared), answers OK only
// after the commit, then hands the stored events to the monitor. It also purges
// expired events (NIP-40) from time to time.
#include "relay/shared.hpp"

namespace wsn::relay {

class Writer {
public:
    explicit Writer(Shared& sh) : sh_(sh) {}
    void run();

private:
    void write_batch(std::vector<AddEvent>& batch);
    Shared& sh_;
};

}  // namespace wsn::relay
