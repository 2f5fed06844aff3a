// The fanout workload: S subscribers to the authors of a data set, one publisher of it.
// Latency is from the publisher's send to each subscriber's receipt (one clock: all
// on this machine). The publisher ends with a marker event; a subscriber is done once
// it saw the marker and every event the relay accepted.
#include <algorithm>
#include <cstring>
#include <thread>
#include <unordered_map>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadgen/common.hpp"

namespace wsn::loadgen {

namespace asio = boost::asio;

namespace {

struct IdHash {
    size_t operator()(const nostr::Id& id) const {
        size_t h;
        std::memcpy(&h, id.data(), sizeof h);
        return h;
    }
};

struct SubStats {
    uint64_t got = 0, duplicates = 0;
    std::vector<bool> seen;
    LatencyRecorder latency;
};

struct State {
    State(const BenchOptions& o, Errors& e, Runner& r) : o(o), errors(e), runner(r) {}
    const BenchOptions& o;
    Conns conns;
    std::vector<nostr::Event> events;  // the last is the marker
    std::unordered_map<nostr::Id, size_t, IdHash> index;
    std::unique_ptr<std::atomic<int64_t>[]> sent_ns;  // send time of event i, ns since `epoch`
    Clock::time_point epoch{};
    std::string req;
    std::vector<SubStats> subs;
    std::atomic<size_t> ready{0};
    std::atomic<int64_t> accepted{-1};  // the final count, set before the marker is sent
    uint64_t published = 0, acked = 0, rejected = 0;  // written by the publisher only
    Errors& errors;
    Runner& runner;
    Clock::time_point stop_at{};
};

asio::awaitable<void> subscriber(std::shared_ptr<State> st, size_t c, size_t k) {
    auto& client = *(*st->conns)[c].client;
    auto& s = st->subs[k];
    s.seen.assign(st->events.size(), false);
    if (auto w = co_await client.write(st->req); !w) co_return st->errors.add(w.error().message);
    bool subscribed = false, marker = false;
    for (;;) {
        auto msg = co_await next_message(client, st->runner);
        if (!msg) co_return st->errors.add(msg.error().message);
        const auto now = Clock::now();
        if (!subscribed && std::holds_alternative<nostr::RelayEose>(*msg)) {
            subscribed = true;
            ++st->ready;
            continue;
        }
        if (auto* closed = std::get_if<nostr::RelayClosed>(&*msg)) co_return st->errors.add("CLOSED: " + closed->message);
        auto* ev = std::get_if<nostr::RelayEvent>(&*msg);
        if (!ev) continue;
        auto it = st->index.find(ev->event.id);
        if (it == st->index.end()) continue;
        const size_t i = it->second;
        if (i + 1 == st->events.size()) {
            marker = true;
        } else if (s.seen[i]) {
            ++s.duplicates;
        } else {
            s.seen[i] = true;
            ++s.got;
            s.latency.add(now - (st->epoch + std::chrono::nanoseconds(st->sent_ns[i].load(std::memory_order_acquire))));
        }
        if (marker && int64_t(s.got) >= st->accepted.load()) co_return;
    }
}

// Sends event i and waits for its OK; true if accepted.
asio::awaitable<Result<bool>> publish_one(State& st, net::Client& client, size_t i) {
    st.sent_ns[i].store((Clock::now() - st.epoch).count(), std::memory_order_release);
    if (auto w = co_await client.write(event_message(st.events[i])); !w) co_return w.error();
    for (;;) {
        auto msg = co_await next_message(client, st.runner);
        if (!msg) co_return msg.error();
        if (auto* ok = std::get_if<nostr::RelayOk>(&*msg); ok && ok->event_id == st.events[i].id) co_return ok->accepted;
    }
}

asio::awaitable<void> publisher(std::shared_ptr<State> st, size_t c) {
    auto& client = *(*st->conns)[c].client;
    asio::steady_timer pace(co_await asio::this_coro::executor);
    const auto start = Clock::now();
    const size_t n = st->events.size() - 1;
    for (size_t i = 0; i < n && Clock::now() < st->stop_at; ++i) {
        if (st->o.rate > 0) {
            pace.expires_at(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(i) / st->o.rate)));
            co_await pace.async_wait(asio::use_awaitable);
        }
        auto r = co_await publish_one(*st, client, i);
        if (!r) co_return st->errors.add(r.error().message);
        ++st->published;
        ++(*r ? st->acked : st->rejected);
    }
    st->accepted.store(int64_t(st->acked));
    if (auto r = co_await publish_one(*st, client, n); !r) st->errors.add(r.error().message);
}

}  // namespace

Result<Report> run_fanout(const BenchOptions& o, const std::vector<nostr::Event>& events) {
    if (events.size() < 2) return err("fanout needs at least 2 events (the last is the end marker)");
    const size_t n_subs = std::max<size_t>(1, o.subscribers);
    Errors connect_errors, errors;
    Runner r(o.threads);
    auto st = std::make_shared<State>(o, errors, r);

    // What a client's live feed asks for: these authors from now on (limit 0: no stored events).
    nostr::Filter f;
    f.authors.emplace();
    f.since = events[0].created_at;
    f.limit = 0;
    for (size_t i = 0; i < events.size(); ++i) {
        f.authors->push_back(events[i].pubkey);
        f.since = std::min(*f.since, events[i].created_at);
        st->index.emplace(events[i].id, i);
    }
    f.normalize();
    st->req = req_message("fanout", f);
    st->events = events;
    st->sent_ns = std::make_unique<std::atomic<int64_t>[]>(st->events.size());

    // Connection 0 publishes (through publish_uri when set); the others subscribe.
    if (o.publish_uri.empty()) {
        st->conns = connect_all(r, o, n_subs + 1, connect_errors);
    } else {
        BenchOptions po = o;
        po.uri = o.publish_uri;
        st->conns = connect_all(r, po, 1, connect_errors);
        if (!(*st->conns)[0].client)
            return err("--publish-to: " + (connect_errors.count() ? connect_errors.first() : "cannot connect"));
        auto subs = connect_all(r, o, n_subs, connect_errors);
        for (auto& c : *subs) st->conns->push_back(std::move(c));
    }
    if (open_count(*st->conns) < 2) return err(connect_errors.count() ? connect_errors.first() : "no connections");
    r.set_stall_timeout(o.timeout);
    st->epoch = Clock::now();
    std::vector<size_t> open;
    for (size_t i = 0; i < st->conns->size(); ++i)
        if ((*st->conns)[i].client) open.push_back(i);
    const size_t pub = open[0], subscribed = open.size() - 1;
    st->subs.resize(subscribed);
    for (size_t k = 0; k < subscribed; ++k) r.spawn((*st->conns)[open[k + 1]].ctx, subscriber(st, open[k + 1], k));
    // Publish once every subscription is in place (or the relay stopped confirming them).
    const auto sub_deadline = Clock::now() + o.timeout;
    while (st->ready.load() + errors.count() < subscribed && Clock::now() < sub_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    RelayUsage cpu(o.pid);
    cpu.start();
    const auto start = Clock::now();
    st->stop_at = start + o.duration;
    r.spawn((*st->conns)[pub].ctx, publisher(st, pub));
    const bool complete = r.wait(st->stop_at + o.timeout);
    const auto end = Clock::now();
    cpu.stop();
    close_all(r, st->conns);
    r.finish();

    uint64_t delivered = 0, duplicates = 0;
    LatencyRecorder latency;
    for (auto& s : st->subs) {
        delivered += s.got;
        duplicates += s.duplicates;
        latency.merge(s.latency);
    }
    const uint64_t acc = st->acked;  // as far as the publisher got
    const uint64_t expected = acc * subscribed;
    Report rep("fanout");
    add_common(rep, o, r);
    rep.add("subscribers", uint64_t(subscribed)).add("authors", uint64_t(f.authors->size())).add("published", st->published);
    rep.add("accepted", acc).add("rejected", st->rejected);
    rep.add("expected", expected).add("delivered", delivered).add("missing", expected - std::min(expected, delivered));
    rep.add("duplicates", duplicates).add("complete", uint64_t(complete && delivered == expected ? 1 : 0));
    const uint64_t n_errors = connect_errors.count() + errors.count();
    rep.add("errors", n_errors);
    if (n_errors) rep.add("first_error", connect_errors.count() ? connect_errors.first() : errors.first());
    rep.add("seconds", seconds(end - start)).add("deliveries_per_sec", per_second(delivered, end - start));
    cpu.add(rep, delivered);
    add_latency(rep, latency);
    return rep;
}

}  // namespace wsn::loadgen
