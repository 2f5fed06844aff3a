#include "relay/metrics.hpp"

#include <cassert>
#include <charconv>

namespace wsn::relay {

namespace {

void append_number(std::string& out, double v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

}  // namespace

template <class M>
Family<M>::Family(std::string name, std::string help, std::string label, std::vector<std::string> values)
    : name_(std::move(name)), help_(std::move(help)), label_(std::move(label)), values_(std::move(values)),
      metrics_(new M[values_.size()]) {
    assert(!values_.empty() && (!label_.empty() || values_.size() == 1));
}

template <class M>
M* Family<M>::find(std::string_view value) noexcept {
    for (size_t i = 0; i < values_.size(); ++i)
        if (values_[i] == value) return &metrics_[i];
    assert(!"metric label value not declared");
    return nullptr;
}

template <class M>
void Family<M>::render(std::string& out) const {
    append_header(out, name_, help_, M::kType);
    for (size_t i = 0; i < values_.size(); ++i) {
        out += name_;
        if (!label_.empty()) {
            // Label values are our own constants, which need no escaping.
            out += '{';
            out += label_;
            out += "=\"";
            out += values_[i];
            out += "\"}";
        }
        out += ' ';
        out += std::to_string(metrics_[i].value());
        out += '\n';
    }
}

template class Family<Counter>;
template class Family<Gauge>;

Histogram::Histogram(std::string name, std::string help, std::vector<double> bounds)
    : name_(std::move(name)), help_(std::move(help)), bounds_(std::move(bounds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
    for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) noexcept {
    size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

void Histogram::render(std::string& out) const {
    append_header(out, name_, help_, "histogram");
    // Buckets are read one by one while others observe; the total is taken from
    // them, so the +Inf bucket always equals _count as Prometheus expects.
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        out += name_;
        out += "_bucket{le=\"";
        if (i < bounds_.size()) append_number(out, bounds_[i]);
        else out += "+Inf";
        out += "\"} ";
        out += std::to_string(cumulative);
        out += '\n';
    }
    out += name_;
    out += "_sum ";
    append_number(out, sum());
    out += '\n';
    out += name_;
    out += "_count ";
    out += std::to_string(cumulative);
    out += '\n';
}

Metrics::Metrics()
    : connections("wsn_connections", "Open client connections by scheme.", "scheme", {"ws", "wss", "wsn", "wsns"}),
      messages("wsn_messages_total", "Client messages received, by verb (invalid: could not be parsed).", "verb",
               {"EVENT", "REQ", "CLOSE", "COUNT", "AUTH", "invalid"}),
      events("wsn_events_total", "Events received, by outcome.", "result",
             {"stored", "duplicate", "rejected", "ephemeral", "storage_full", "write_error"}),
      rate_limited("wsn_rate_limited_total", "Messages refused by a rate limit, by limit.", "limit",
                   {"events_per_ip", "events_per_pubkey", "reqs_per_ip"}),
      handshake_failures("wsn_handshake_failures_total", "wsn Noise handshakes that failed or timed out.", "", {""}),
      tls_handshake_failures("wsn_tls_handshake_failures_total",
                             "TLS handshakes on a TLS listener that failed or timed out.", "", {""}),
      connections_refused("wsn_connections_refused_total", "Connections closed at accept, by the limit reached.",
                          "limit", {"max_connections", "max_connections_per_ip"}),
      connections_shed("wsn_handshakes_shed_total",
                       "Unfinished handshakes closed to free a descriptor when none was left.", "", {""}),
      slow_reader_closes("wsn_slow_reader_closes_total",
                         "Connections closed because their output queue (or their share of all output) was full.", "",
                         {""}),
      input_pauses("wsn_input_pauses_total",
                   "Times a connection stopped being read: its messages not yet handled were over its share.", "",
                   {""}),
      input_queued("wsn_input_queued_bytes", "Received messages not yet handled, in bytes (128 more per message).",
                   "", {""}),
      queries_refused("wsn_queries_refused_total", "REQs and COUNTs ended with CLOSED by a query limit, by limit.",
                      "limit", {"max_queries_in_flight", "max_query_cost"}),
      write_batch_seconds("wsn_write_batch_seconds", "Time to write and commit one batch of events.",
                          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                           5, 10}),
      write_batch_events("wsn_write_batch_events", "Events in one write batch.",
                         {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}) {
    // The scheme label follows the enum order; check it once here.
    assert(scheme_name(Scheme::ws) == "ws" && size_t(Scheme::wsns) == 3);
}

std::string Metrics::render() const {
    std::string out;
    out.reserve(4096);
    connections.render(out);
    messages.render(out);
    events.render(out);
    rate_limited.render(out);
    handshake_failures.render(out);
    tls_handshake_failures.render(out);
    connections_refused.render(out);
    connections_shed.render(out);
    slow_reader_closes.render(out);
    input_pauses.render(out);
    input_queued.render(out);
    queries_refused.render(out);
    write_batch_seconds.render(out);
    write_batch_events.render(out);
    return out;
}

}  // namespace wsn::relay
