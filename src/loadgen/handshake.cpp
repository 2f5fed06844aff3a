// The handshake workload: each of N dialers loops connect + handshake + one REQ/EOSE
// + close; a cycle's latency is the whole loop.
#include <algorithm>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadgen/common.hpp"

namespace wsn::loadgen {

namespace asio = boost::asio;

namespace {

struct DialerStats {
    uint64_t done = 0;
    LatencyRecorder latency;
    Clock::time_point last{};
};

struct State {
    State(const BenchOptions& o, Errors& e, Runner& r) : o(o), errors(e), runner(r) {}
    const BenchOptions& o;
    std::string req;  // asks for an id no event has: the relay answers EOSE at once
    Clock::time_point stop_at{};
    std::atomic<uint64_t> started{0};
    std::vector<DialerStats> stats;
    Errors& errors;
    Runner& runner;
};

// One cycle; an Error says what failed.
asio::awaitable<Status> cycle(const State& st) {
    auto ex = co_await asio::this_coro::executor;
    auto c = co_await net::Client::connect(ex, st.o.uri, st.o.client);
    if (!c) co_return c.error();
    auto& client = **c;
    if (auto w = co_await client.write(st.req); !w) co_return w.error();
    for (;;) {
        auto msg = co_await next_message(client, st.runner);
        if (!msg) co_return msg.error();
        if (std::holds_alternative<nostr::RelayEose>(*msg)) break;
        if (auto* closed = std::get_if<nostr::RelayClosed>(&*msg)) co_return err("CLOSED: " + closed->message);
    }
    co_await client.close();
    co_return Ok{};
}

asio::awaitable<void> dialer(std::shared_ptr<State> st, size_t d) {
    auto& s = st->stats[d];
    while (Clock::now() < st->stop_at && (st->o.count == 0 || st->started++ < st->o.count)) {
        const auto t0 = Clock::now();
        if (auto r = co_await cycle(*st); !r) {
            st->errors.add(r.error().message);
            st->runner.tick();
            // A refused dial fails at once: pause, so a dead relay is not hammered.
            asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(10));
            co_await pause.async_wait(asio::use_awaitable);
            continue;
        }
        st->runner.tick();
        s.last = Clock::now();
        s.latency.add(s.last - t0);
        ++s.done;
    }
}

}  // namespace

Result<Report> run_handshake(const BenchOptions& o) {
    Errors errors;
    Runner r(o.threads);
    auto st = std::make_shared<State>(o, errors, r);
    nostr::Filter f;
    f.ids = std::vector<nostr::Id>{nostr::Id{}};
    st->req = req_message("hs", f);
    const size_t n = std::max<size_t>(1, o.connections);
    st->stats.resize(n);
    r.set_stall_timeout(o.client.connect_timeout + o.client.handshake_timeout + o.timeout);
    RelayUsage cpu(o.pid);
    cpu.start();
    const auto start = Clock::now();
    st->stop_at = start + o.duration;
    for (size_t d = 0; d < n; ++d) r.spawn(d, dialer(st, d));
    // A cycle's phases are each bounded by the client's timeouts; a cycle stuck reading
    // is abandoned here.
    r.wait(st->stop_at + o.timeout + o.client.connect_timeout + o.client.handshake_timeout);
    cpu.stop();
    r.finish();

    uint64_t done = 0;
    LatencyRecorder latency;
    Clock::time_point last = start;
    for (auto& s : st->stats) {
        done += s.done;
        latency.merge(s.latency);
        last = std::max(last, s.last);
    }
    if (done == 0 && errors.count() > 0) return err(errors.first());
    Report rep("handshake");
    add_common(rep, o, r);
    rep.add("parallel", uint64_t(n)).add("handshakes", done).add("errors", errors.count());
    if (errors.count()) rep.add("first_error", errors.first());
    rep.add("seconds", seconds(last - start)).add("handshakes_per_sec", per_second(done, last - start));
    cpu.add(rep, done);
    add_latency(rep, latency);
    return rep;
}

}  // namespace wsn::loadgen
