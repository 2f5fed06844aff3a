#pragma once
// What the workloads share: opening and closing many connections as bounded phases,
// a parser per thread, and small message helpers.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/latency.hpp"
#include "loadgen/runner.hpp"
#include "loadgen/workloads.hpp"
#include "nostr/filter.hpp"
#include "nostr/message.hpp"
#include "wsn/net/client.hpp"

namespace wsn::loadgen {

// A connection and the context it lives on (its tasks must run there).
struct Conn {
    std::unique_ptr<net::Client> client;
    size_t ctx = 0;
};

// Shared by the tasks that use them, so a connection outlives a task abandoned at a
// phase's deadline until the Runner destroys that task.
using Conns = std::shared_ptr<std::vector<Conn>>;

// Failures of one kind counted, with the first message kept for the user.
class Errors {
public:
    void add(const std::string& message);
    uint64_t count() const { return count_; }
    std::string first() const;

private:
    mutable std::mutex mu_;
    std::atomic<uint64_t> count_{0};
    std::string first_;
};

// Opens n connections (at most 256 dialing at once), spread over the runner's
// contexts, raising the open-file limit to fit them; slots whose connection failed stay empty. Bounded by the client's
// connect and handshake timeouts.
Conns connect_all(Runner& r, const BenchOptions& o, size_t n, Errors& errors);
// Closes every open connection (each close is bounded by the client).
void close_all(Runner& r, const Conns& conns);
// The number of open connections in `conns`.
size_t open_count(const std::vector<Conn>& conns);

// The next relay message that parses (others are skipped), ticking the runner for every
// message read; an Error when the connection ended. The parser is one per I/O thread.
boost::asio::awaitable<Result<nostr::RelayMessage>> next_message(net::Client& client, Runner& runner);

// ["REQ","<sub>",<filter>] and ["EVENT",<event>].
std::string req_message(const std::string& sub_id, const nostr::Filter& f);
std::string event_message(const nostr::Event& e);
// "invalid: bad signature" -> "invalid"; a message without a prefix -> "other".
std::string reason_prefix(const std::string& message);

// The fields every report starts with (uri, threads), and p50/p99/mean/max in ms.
void add_common(Report& rep, const BenchOptions& o, const Runner& r);
void add_latency(Report& rep, const LatencyRecorder& l);

// The relay's CPU time and the bytes it had written to storage over a workload's measured
// phase, when BenchOptions::pid names it: start() and stop() read /proc; add() writes
// relay_cpu_ms, relay_cpu_us_per_op, relay_write_bytes and relay_write_bytes_per_op (per
// operation of the workload), or what could be read (nothing without a pid).
class RelayUsage {
public:
    explicit RelayUsage(int pid) : pid_(pid) {}
    void start() { start_ = read(); }
    void stop() { stop_ = read(); }
    void add(Report& rep, uint64_t ops) const;

private:
    struct Sample {
        std::optional<std::chrono::microseconds> cpu;
        std::optional<uint64_t> written;
    };
    Sample read() const;
    int pid_;
    Sample start_, stop_;
};

inline double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
inline double per_second(uint64_t n, Clock::duration d) { return d.count() > 0 ? double(n) / seconds(d) : 0; }

}  // namespace wsn::loadgen
