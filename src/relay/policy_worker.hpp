#pragma once
// The write-policy stage, present when a plugin is configured: asks the plugin about
// each event the verifiers let through, on a thread of its own, and passes accepted
// events on to the writer (or, ephemeral, the monitor). A slow or hanging plugin so
// holds up only the events waiting for its answer (each call has a timeout), never a
// verifier, which also carries every connection's REQs, CLOSEs and AUTHs.
#include "relay/shared.hpp"

namespace wsn::relay {

class PolicyWorker {
public:
    explicit PolicyWorker(Shared& sh) : sh_(sh) {}
    void run();

private:
    void check(CheckPolicy& m);
    Shared& sh_;
};

}  // namespace wsn::relay
