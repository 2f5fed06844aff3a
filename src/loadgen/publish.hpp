#pragma once
// The publishing core, shared by the publish workload and req's preload.
#include <cstdint>
#include <string>
#include <vector>

#include "loadgen/latency.hpp"
#include "loadgen/report.hpp"
#include "loadgen/common.hpp"

namespace wsn::loadgen {

struct PublishTotals {
    uint64_t sent = 0, ok = 0, duplicate = 0, rejected = 0, unanswered = 0;
    Report::Counts rejected_by;  // OK false by reason prefix ("invalid", "rate-limited", ...)
    LatencyRecorder latency;     // send -> OK
    Clock::duration elapsed{};   // first send -> last OK
    Errors errors;               // connections that failed mid-run
};

// Publishes events[0..n) over the open connections, event i on connection i % C,
// `inflight` unanswered per connection, until all are answered or `duration` passed
// (then waits up to `timeout` for the answers still due).
void publish_events(Runner& r, const BenchOptions& o, const Conns& conns, const std::vector<nostr::Event>& events,
                    size_t n, PublishTotals& totals);

}  // namespace wsn::loadgen
