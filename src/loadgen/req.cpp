// The req workload: REQ -> EOSE round trips, `inflight` subscriptions at a time per
// connection; after each EOSE the subscription is closed and the next query sent.
#include <algorithm>

#include "loadgen/publish.hpp"
#include "loadgen/query_mix.hpp"
#include "loadgen/common.hpp"

namespace wsn::loadgen {

namespace asio = boost::asio;

namespace {

constexpr size_t kQueries = 1000;  // distinct filters, cycled

struct ConnStats {
    uint64_t sent = 0, queries = 0, closed = 0, events = 0;
    Report::Counts closed_by;  // CLOSED answers by reason prefix
    LatencyRecorder latency;
    Clock::time_point last{};
};

struct State {
    State(const BenchOptions& o, Errors& e, Runner& r) : o(o), errors(e), runner(r) {}
    const BenchOptions& o;
    Conns conns;
    std::vector<std::string> filters;  // JSON, serialized before the clock starts
    std::vector<ConnStats> stats;
    Errors& errors;
    Runner& runner;
    Clock::time_point stop_at{};
    std::atomic<uint64_t> issued{0};
};

struct Slot {
    std::string sub;  // "" when idle
    Clock::time_point t0{};
};

asio::awaitable<void> querier(std::shared_ptr<State> st, size_t c, size_t rank) {
    auto& client = *(*st->conns)[c].client;
    auto& s = st->stats[rank];
    std::vector<Slot> slots(std::clamp<size_t>(st->o.inflight, 1, 50));
    uint64_t seq = 0;
    // The next REQ for a slot, or "" when the run is over (the slot goes idle).
    auto next_req = [&](Slot& slot) -> std::string {
        slot.sub.clear();
        if (Clock::now() >= st->stop_at) return {};
        const uint64_t k = st->issued++;
        if (st->o.count && k >= st->o.count) return {};
        slot.sub = "q" + std::to_string(seq++);
        slot.t0 = Clock::now();
        ++s.sent;
        std::string m = "[\"REQ\",\"" + slot.sub + "\"," + st->filters[k % st->filters.size()] + "]";
        return m;
    };
    auto fail = [&](const Error& e) { st->errors.add(e.message); };
    for (auto& slot : slots)
        if (auto m = next_req(slot); !m.empty())
            if (auto w = co_await client.write(std::move(m)); !w) co_return fail(w.error());
    auto active = [&] { return std::any_of(slots.begin(), slots.end(), [](const Slot& x) { return !x.sub.empty(); }); };
    while (active()) {
        auto msg = co_await next_message(client, st->runner);
        if (!msg) co_return fail(msg.error());
        auto find = [&](const std::string& sub) {
            return std::find_if(slots.begin(), slots.end(), [&](const Slot& x) { return x.sub == sub; });
        };
        if (auto* ev = std::get_if<nostr::RelayEvent>(&*msg)) {
            if (find(ev->sub_id) != slots.end()) ++s.events;
            continue;
        }
        std::vector<Slot>::iterator slot;
        if (auto* eose = std::get_if<nostr::RelayEose>(&*msg)) {
            slot = find(eose->sub_id);
            if (slot == slots.end()) continue;
            s.last = Clock::now();
            s.latency.add(s.last - slot->t0);
            ++s.queries;
            if (auto w = co_await client.write("[\"CLOSE\",\"" + slot->sub + "\"]"); !w) co_return fail(w.error());
        } else if (auto* closed = std::get_if<nostr::RelayClosed>(&*msg)) {
            slot = find(closed->sub_id);
            if (slot == slots.end()) continue;
            ++s.closed_by[reason_prefix(closed->message)];
            ++s.closed;
        } else {
            continue;
        }
        if (auto next = next_req(*slot); !next.empty())
            if (auto w = co_await client.write(std::move(next)); !w) co_return fail(w.error());
    }
}

}  // namespace

Result<Report> run_req(const BenchOptions& o, const std::vector<nostr::Event>& events, bool preload, Mix mix) {
    if (events.empty()) return err("req needs a data set: --events FILE or a generated one (--dataset N > 0)");
    Errors connect_errors, errors;
    PublishTotals loaded;
    Runner r(o.threads);
    auto st = std::make_shared<State>(o, errors, r);
    for (const auto& f : query_mix(events, kQueries, mix)) st->filters.push_back(nostr::to_json(f));
    st->conns = connect_all(r, o, o.connections, connect_errors);
    if (open_count(*st->conns) == 0) return err(connect_errors.first());
    r.set_stall_timeout(o.timeout);
    if (preload) {
        // Not measured; bounded by the stall timeout, not by --duration.
        BenchOptions p = o;
        p.duration = std::chrono::hours(24);
        p.inflight = std::max<size_t>(o.inflight, 50);
        publish_events(r, p, st->conns, events, events.size(), loaded);
    }

    std::vector<size_t> open;
    for (size_t i = 0; i < st->conns->size(); ++i)
        if ((*st->conns)[i].client) open.push_back(i);
    st->stats.resize(open.size());
    RelayUsage cpu(o.pid);
    cpu.start();
    const auto start = Clock::now();
    st->stop_at = start + o.duration;
    for (size_t k = 0; k < open.size(); ++k) r.spawn((*st->conns)[open[k]].ctx, querier(st, open[k], k));
    r.wait(st->stop_at + o.timeout);
    cpu.stop();
    close_all(r, st->conns);
    r.finish();

    uint64_t queries = 0, received = 0, unanswered = 0;
    Report::Counts closed_by;
    LatencyRecorder latency;
    Clock::time_point last = start;
    for (auto& s : st->stats) {
        queries += s.queries;
        received += s.events;
        unanswered += s.sent - s.queries - s.closed;
        for (auto& [k, v] : s.closed_by) closed_by[k] += v;
        latency.merge(s.latency);
        last = std::max(last, s.last);
    }
    Report rep("req");
    add_common(rep, o, r);
    rep.add("connections", uint64_t(open.size())).add("inflight", uint64_t(std::clamp<size_t>(o.inflight, 1, 50)));
    rep.add("dataset", uint64_t(events.size()));
    if (preload) rep.add("preloaded_ok", loaded.ok).add("preload_rejected", loaded.rejected);
    rep.add("queries", queries).add("events_received", received).add("closed_by", closed_by);
    rep.add("timeouts", unanswered);
    const uint64_t n_errors = connect_errors.count() + errors.count() + loaded.errors.count();
    rep.add("errors", n_errors);
    if (n_errors) {
        auto first = connect_errors.count() ? connect_errors.first() : errors.count() ? errors.first() : loaded.errors.first();
        rep.add("first_error", first);
    }
    rep.add("seconds", seconds(last - start)).add("queries_per_sec", per_second(queries, last - start));
    cpu.add(rep, queries);
    add_latency(rep, latency);
    return rep;
}

}  // namespace wsn::loadgen
