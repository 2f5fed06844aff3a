// The idle workload: N connections, each with one open subscription (as an idle
// client keeps), held for the duration; the relay's resident memory is read before
// connecting and once all are held.
#include <thread>

#include <fmt/core.h>

#include "loadgen/proc.hpp"
#include "loadgen/common.hpp"
#include "util/hex.hpp"

namespace wsn::loadgen {

namespace asio = boost::asio;

namespace {

struct State {
    State(Errors& e, Runner& r) : errors(e), runner(r) {}
    Conns conns;
    std::string req;
    std::atomic<uint64_t> held{0};
    Errors& errors;
    Runner& runner;
};

// REQ -> EOSE; the subscription then stays open while the connection is held.
asio::awaitable<void> subscribe(std::shared_ptr<State> st, size_t c) {
    auto& client = *(*st->conns)[c].client;
    if (auto w = co_await client.write(st->req); !w) co_return st->errors.add(w.error().message);
    for (;;) {
        auto msg = co_await next_message(client, st->runner);
        if (!msg) co_return st->errors.add(msg.error().message);
        if (std::holds_alternative<nostr::RelayEose>(*msg)) {
            ++st->held;
            co_return;
        }
        if (auto* closed = std::get_if<nostr::RelayClosed>(&*msg)) co_return st->errors.add("CLOSED: " + closed->message);
    }
}

}  // namespace

Result<Report> run_idle(const BenchOptions& o) {
    const size_t n = std::max<size_t>(1, o.connections);
    const uint64_t nofile = raise_nofile(n + 64);
    std::optional<uint64_t> before, after;
    if (o.pid) {
        auto r = rss_kib(o.pid);
        if (!r) return r.error();
        before = *r;
    }
    Errors connect_errors, errors;
    Runner r(o.threads);
    auto st = std::make_shared<State>(errors, r);
    std::array<uint8_t, 8> nonce;
    crypto::random_bytes(nonce);
    nostr::Filter f;
    f.tags.push_back({'t', {"wsnbench-idle-" + to_hex(nonce)}});
    f.limit = 0;
    st->req = req_message("idle", f);

    const auto t0 = Clock::now();
    st->conns = connect_all(r, o, n, connect_errors);
    if (open_count(*st->conns) == 0) return err(connect_errors.first());
    r.set_stall_timeout(o.timeout);
    for (size_t i = 0; i < st->conns->size(); ++i)
        if ((*st->conns)[i].client) r.spawn((*st->conns)[i].ctx, subscribe(st, i));
    r.wait(Clock::now() + o.timeout);
    const auto connected = Clock::now();
    // Let the relay settle (its threads finish the last handshakes) before reading.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (o.pid) {
        auto m = rss_kib(o.pid);
        if (!m) return m.error();
        after = *m;
    }
    const auto hold_until = t0 + o.duration;
    if (Clock::now() < hold_until) std::this_thread::sleep_for(hold_until - Clock::now());
    close_all(r, st->conns);
    r.finish();

    const uint64_t held = st->held.load();
    Report rep("idle");
    add_common(rep, o, r);
    rep.add("connections", uint64_t(n)).add("held", held).add("nofile_limit", nofile);
    const uint64_t n_errors = connect_errors.count() + errors.count();
    rep.add("errors", n_errors);
    if (n_errors) rep.add("first_error", connect_errors.count() ? connect_errors.first() : errors.first());
    rep.add("connect_seconds", seconds(connected - t0));
    if (before && after) {
        rep.add("rss_before_kib", *before).add("rss_after_kib", *after);
        const double growth = (double(*after) - double(*before)) * 1024.0;
        rep.add("rss_per_connection_bytes", held ? growth / double(held) : 0.0);
    }
    return rep;
}

}  // namespace wsn::loadgen
