#pragma once
// The relay's Prometheus metrics, served as text at GET /metrics. Every label value
// is fixed when a family is built, so the hot path (an increment from an I/O,
// verifier or writer thread) is one relaxed atomic add: no lock, no allocation.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wsn/address.hpp"

namespace wsn::relay {

class Counter {
public:
    void inc(uint64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
    // For a count kept by another component (net::ServerStats); must never decrease.
    void set(uint64_t v) noexcept { v_.store(v, std::memory_order_relaxed); }
    uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }
    static constexpr std::string_view kType = "counter";

private:
    std::atomic<uint64_t> v_{0};
};

class Gauge {
public:
    void inc(int64_t n = 1) noexcept { v_.fetch_add(n, std::memory_order_relaxed); }
    void dec(int64_t n = 1) noexcept { v_.fetch_sub(n, std::memory_order_relaxed); }
    void set(int64_t v) noexcept { v_.store(v, std::memory_order_relaxed); }
    int64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }
    static constexpr std::string_view kType = "gauge";

private:
    std::atomic<int64_t> v_{0};
};

// One metric name with one label taking a fixed set of values
// (wsn_messages_total{verb="EVENT"}), or no label when `label` is empty.
template <class M>
class Family {
public:
    Family(std::string name, std::string help, std::string label, std::vector<std::string> values);

    // `value` must be one of the values given at construction (asserted); in a
    // release build an unknown value is counted nowhere.
    M* find(std::string_view value) noexcept;
    void inc(std::string_view value, uint64_t n = 1) noexcept {
        if (M* m = find(value)) m->inc(n);
    }
    M& at(size_t i) { return metrics_[i]; }
    M& only() { return metrics_[0]; }  // a family without label
    void render(std::string& out) const;

private:
    std::string name_, help_, label_;
    std::vector<std::string> values_;
    std::unique_ptr<M[]> metrics_;
};

// Cumulative histogram with fixed upper bounds (seconds, sizes, ...).
class Histogram {
public:
    Histogram(std::string name, std::string help, std::vector<double> bounds);
    void observe(double v) noexcept;
    uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
    double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
    void render(std::string& out) const;

private:
    std::string name_, help_;
    std::vector<double> bounds_;                        // ascending; +Inf is implied
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket (not cumulative), bounds_.size()+1
    std::atomic<uint64_t> count_{0};
    std::atomic<double> sum_{0};
};

// Every metric the relay exports. Names and labels are listed in docs/relay.md.
class Metrics {
public:
    Metrics();

    void connection_opened(Scheme s) noexcept { connections.at(size_t(s)).inc(); }
    void connection_closed(Scheme s) noexcept { connections.at(size_t(s)).dec(); }

    Family<Gauge> connections;      // wsn_connections{scheme="ws|wss|wsn|wsns"}
    Family<Counter> messages;       // wsn_messages_total{verb="EVENT|REQ|CLOSE|COUNT|AUTH|invalid"}
    Family<Counter> events;         // wsn_events_total{result="stored|duplicate|rejected|ephemeral|storage_full|write_error"}
    Family<Counter> rate_limited;   // wsn_rate_limited_total{limit="events_per_ip|events_per_pubkey|reqs_per_ip"}
    Family<Counter> handshake_failures;  // wsn_handshake_failures_total (no label)
    Family<Counter> tls_handshake_failures;  // wsn_tls_handshake_failures_total (no label)
    Family<Counter> connections_refused;  // wsn_connections_refused_total{limit="max_connections|max_connections_per_ip"}
    Family<Counter> connections_shed;     // wsn_handshakes_shed_total (no label)
    Family<Counter> slow_reader_closes;   // wsn_slow_reader_closes_total (no label)
    Family<Counter> input_pauses;         // wsn_input_pauses_total (no label)
    Family<Gauge> input_queued;           // wsn_input_queued_bytes (no label)
    Family<Counter> queries_refused;      // wsn_queries_refused_total{limit="max_queries_in_flight|max_query_cost"}
    Histogram write_batch_seconds;  // wsn_write_batch_seconds
    Histogram write_batch_events;   // wsn_write_batch_events

    // Prometheus text exposition format 0.0.4.
    std::string render() const;
};

}  // namespace wsn::relay
