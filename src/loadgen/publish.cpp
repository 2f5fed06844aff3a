// The publish workload: pre-signed events, C connections × W in flight, OK latency.
#include "loadgen/publish.hpp"

#include <algorithm>
#include <deque>

namespace wsn::loadgen {

namespace asio = boost::asio;

namespace {

struct ConnStats {
    uint64_t sent = 0, answered = 0, ok = 0, duplicate = 0;
    Report::Counts rejected_by;
    LatencyRecorder latency;
    Clock::time_point last{};
};

struct State {
    const BenchOptions& o;
    Conns conns;
    std::vector<std::string> messages;  // serialized before the clock starts
    std::vector<nostr::Id> ids;
    std::vector<ConnStats> stats;
    Errors& errors;
    Runner& runner;
    Clock::time_point stop_at{};
};

// Connection `c` is the `rank`-th of `stride` open ones: it sends events rank, rank + stride, ...
asio::awaitable<void> publisher(std::shared_ptr<State> st, size_t c, size_t rank, size_t stride) {
    auto& client = *(*st->conns)[c].client;
    auto& s = st->stats[rank];
    std::deque<std::pair<nostr::Id, Clock::time_point>> flight;
    size_t next = rank;
    const size_t window = std::max<size_t>(1, st->o.inflight);
    for (;;) {
        while (flight.size() < window && next < st->messages.size() && Clock::now() < st->stop_at) {
            flight.emplace_back(st->ids[next], Clock::now());
            auto w = co_await client.write(st->messages[next]);
            if (!w) {
                st->errors.add(w.error().message);
                co_return;
            }
            ++s.sent;
            next += stride;
        }
        if (flight.empty()) co_return;
        auto msg = co_await next_message(client, st->runner);
        if (!msg) co_return st->errors.add(msg.error().message);
        auto* ok = std::get_if<nostr::RelayOk>(&*msg);
        if (!ok) continue;
        auto it = std::find_if(flight.begin(), flight.end(), [&](const auto& f) { return f.first == ok->event_id; });
        if (it == flight.end()) continue;
        const auto now = Clock::now();
        s.latency.add(now - it->second);
        s.last = now;
        ++s.answered;
        flight.erase(it);
        if (ok->accepted) {
            ++s.ok;
            if (ok->message.starts_with("duplicate:")) ++s.duplicate;
        } else {
            ++s.rejected_by[reason_prefix(ok->message)];
        }
    }
}

}  // namespace

void publish_events(Runner& r, const BenchOptions& o, const Conns& conns, const std::vector<nostr::Event>& events,
                    size_t n, PublishTotals& totals) {
    auto st = std::make_shared<State>(State{o, conns, {}, {}, {}, totals.errors, r});
    st->messages.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        st->messages.push_back(event_message(events[i]));
        st->ids.push_back(events[i].id);
    }
    // Event i goes to the (i % open)-th open connection.
    std::vector<size_t> open;
    for (size_t i = 0; i < conns->size(); ++i)
        if ((*conns)[i].client) open.push_back(i);
    st->stats.resize(open.size());

    const auto start = Clock::now();
    st->stop_at = start + o.duration;
    for (size_t k = 0; k < open.size(); ++k)
        r.spawn((*conns)[open[k]].ctx, publisher(st, open[k], k, open.size()));
    r.wait(st->stop_at + o.timeout);

    Clock::time_point last = start;
    for (auto& s : st->stats) {
        totals.sent += s.sent;
        totals.ok += s.ok;
        totals.duplicate += s.duplicate;
        totals.unanswered += s.sent - s.answered;
        for (auto& [k, v] : s.rejected_by) {
            totals.rejected_by[k] += v;
            totals.rejected += v;
        }
        totals.latency.merge(s.latency);
        last = std::max(last, s.last);
    }
    totals.elapsed = last - start;
}

}  // namespace wsn::loadgen

namespace wsn::loadgen {

Result<Report> run_publish(const BenchOptions& o, const std::vector<nostr::Event>& events) {
    const size_t n = o.count ? std::min<size_t>(o.count, events.size()) : events.size();
    Errors connect_errors;
    PublishTotals t;
    Runner r(o.threads);
    auto conns = connect_all(r, o, o.connections, connect_errors);
    const size_t open = open_count(*conns);
    if (open == 0) return err(connect_errors.first());
    r.set_stall_timeout(o.timeout);
    RelayUsage cpu(o.pid);
    cpu.start();
    publish_events(r, o, conns, events, n, t);
    cpu.stop();
    close_all(r, conns);
    r.finish();

    Report rep("publish");
    add_common(rep, o, r);
    rep.add("connections", uint64_t(open)).add("inflight", uint64_t(o.inflight));
    rep.add("events", uint64_t(n)).add("sent", t.sent).add("ok", t.ok).add("duplicate", t.duplicate);
    rep.add("rejected", t.rejected).add("rejected_by", t.rejected_by).add("timeouts", t.unanswered);
    rep.add("errors", connect_errors.count() + t.errors.count());
    if (auto e = connect_errors.count() ? connect_errors.first() : t.errors.first(); !e.empty()) rep.add("first_error", e);
    rep.add("seconds", seconds(t.elapsed)).add("events_per_sec", per_second(t.ok, t.elapsed));
    cpu.add(rep, t.ok);
    add_latency(rep, t.latency);
    return rep;
}

}  // namespace wsn::loadgen
