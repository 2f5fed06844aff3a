#pragma once
// The `wsn bench` workloads (docs/tools.md). Each connects to one relay address,
// measures, closes, and returns a Report; or an Error when the relay cannot be
// reached at all ("connection refused by 127.0.0.1:7447"). Every run ends by itself:
// at `duration` or after `count` operations, whichever comes first, and at most
// `timeout` after that if the relay stops answering (unanswered operations are then
// counted as timeouts).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "loadgen/generator.hpp"
#include "loadgen/report.hpp"
#include "nostr/event.hpp"
#include "util/result.hpp"
#include "wsn/net/client.hpp"

namespace wsn::loadgen {

struct BenchOptions {
    std::string uri;
    std::string publish_uri;  // fanout: the publisher's relay, when not `uri` (another frontend)
    net::ClientOptions client;
    unsigned threads = 0;                     // io threads; 0 = one per hardware thread
    std::chrono::milliseconds duration{10000};  // the measured phase's time bound
    uint64_t count = 0;                       // operations bound; 0 = none (duration only)
    std::chrono::milliseconds timeout{10000};   // an answer awaited longer is a timeout
    size_t connections = 4;  // handshake: parallel dialers; publish, req: connections; idle: connections held
    size_t inflight = 1;     // publish, req, fanout's publisher: operations in flight per connection
    size_t subscribers = 100;  // fanout
    double rate = 0;           // fanout: events per second from the publisher; 0 = as fast as acknowledged
    int pid = 0;               // idle: the relay's process id, for its VmRSS (0 = not measured)
};

// connect + handshake + one REQ/EOSE + close, `connections` dialers in parallel.
Result<Report> run_handshake(const BenchOptions& o);
// `events` (already signed) over `connections` × `inflight`; OK true counted per second.
Result<Report> run_publish(const BenchOptions& o, const std::vector<nostr::Event>& events);
// REQ→EOSE round trips over the `mix` of filters derived from `events` (published first when `preload`).
Result<Report> run_req(const BenchOptions& o, const std::vector<nostr::Event>& events, bool preload, Mix mix);
// `subscribers` on the authors of `events` since the first one's created_at, one publisher
// of `events` in order (at least two, none yet on the relay; the last is the end marker).
Result<Report> run_fanout(const BenchOptions& o, const std::vector<nostr::Event>& events);
// Holds `connections` idle subscribed connections for `duration`.
Result<Report> run_idle(const BenchOptions& o);

}  // namespace wsn::loadgen
