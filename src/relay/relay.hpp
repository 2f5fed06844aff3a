#pragma once
// `wsn relay`: the threads of a relay and what they share.
//
//   I/O threads (net::Server)  -> Verifier (N threads: parse, verify, policy, per-connection state)
//   Verifier [-> PolicyWorker (the write-policy plugin, when configured)]
//            -> Writer (the one LMDB writer: batches, OK after commit) -> Monitor
//   Verifier -> QueryWorker (stored events in short slices, EOSE, COUNT) -> Monitor
//   Monitor (live subscriptions: each new event to every matching subscription)
//
// docs/architecture.md gives each thread a paragraph.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crypto/keys.hpp"
#include "relay/config.hpp"
#include "wsn/net/server.hpp"
#include "util/result.hpp"

namespace wsn::relay {

class Relay {
public:
    // Opens the store, loads or creates the relay key, binds the listeners.
    static Result<std::unique_ptr<Relay>> start(Config cfg);
    ~Relay();

    // The relay's canonical wsn:// (and wsns://) addresses, one per bound listener and
    // (for 0.0.0.0 / [::]) per address of this machine.
    const std::vector<std::string>& addresses() const;
    const crypto::XOnlyPubkey& pubkey() const;

    // Runs until stop(); then joins every thread (clean shutdown).
    void run();
    // Safe from any thread.
    void stop();

    struct Impl;

private:
    explicit Relay(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::relay
