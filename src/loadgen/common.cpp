#include "loadgen/common.hpp"

#include <algorithm>

#include "loadgen/proc.hpp"
#include "nostr/parser.hpp"

namespace wsn::loadgen {

namespace asio = boost::asio;

void Errors::add(const std::string& message) {
    if (count_++ == 0) {
        std::lock_guard lock(mu_);
        first_ = message;
    }
}

std::string Errors::first() const {
    std::lock_guard lock(mu_);
    return first_;
}

namespace {

constexpr size_t kMaxDialing = 256;

struct ConnectState {
    const BenchOptions& o;
    Errors& errors;
    std::atomic<size_t> next{0};
    std::mutex mu;
    Conns conns = std::make_shared<std::vector<Conn>>();
    bool taken = false;  // the phase ended: a dial that ends later drops its connection
};

asio::awaitable<void> dialer(std::shared_ptr<ConnectState> st, size_t ctx, asio::any_io_executor ex) {
    for (;;) {
        size_t i = st->next++;
        if (i >= st->conns->size()) co_return;
        auto c = co_await net::Client::connect(ex, st->o.uri, st->o.client);
        if (!c) {
            st->errors.add(c.error().message);
            continue;
        }
        std::lock_guard lock(st->mu);
        if (st->taken) co_return;
        (*st->conns)[i] = Conn{std::move(*c), ctx};
    }
}

asio::awaitable<void> closer(Conns conns, size_t i) { co_await (*conns)[i].client->close(); }

}  // namespace

Conns connect_all(Runner& r, const BenchOptions& o, size_t n, Errors& errors) {
    raise_nofile(n + 64);  // e.g. 1,000 fanout subscribers pass the usual soft limit of 1,024
    auto st = std::make_shared<ConnectState>(o, errors);
    st->conns->resize(n);
    const size_t dialers = std::min(n, kMaxDialing);
    for (size_t d = 0; d < dialers; ++d) r.spawn(d, dialer(st, d % r.size(), r.executor(d)));
    // Each dial is bounded by its own timeouts; this bound is only a backstop.
    const auto per_dial = o.client.connect_timeout + o.client.handshake_timeout;
    r.wait(Clock::now() + per_dial * ((n + dialers - 1) / std::max<size_t>(dialers, 1) + 1));
    std::lock_guard lock(st->mu);
    st->taken = true;
    return st->conns;
}

void close_all(Runner& r, const Conns& conns) {
    if (r.finished()) return;  // a phase was abandoned: the relay is not answering
    for (size_t i = 0; i < conns->size(); ++i)
        if ((*conns)[i].client) r.spawn((*conns)[i].ctx, closer(conns, i));
    r.wait(Clock::now() + std::chrono::seconds(5));
}

size_t open_count(const std::vector<Conn>& conns) {
    return size_t(std::count_if(conns.begin(), conns.end(), [](const Conn& c) { return bool(c.client); }));
}

asio::awaitable<Result<nostr::RelayMessage>> next_message(net::Client& client, Runner& runner) {
    thread_local nostr::Parser parser;  // a context runs on one thread; parsing never suspends
    for (;;) {
        auto m = co_await client.read();
        if (!m) co_return m.error();
        runner.tick();
        if (auto msg = parser.parse_relay_message(*m)) co_return std::move(*msg);
    }
}

std::string req_message(const std::string& sub_id, const nostr::Filter& f) {
    std::string out = "[\"REQ\",";
    nostr::append_json_string(out, sub_id);
    out += ',';
    nostr::append_json(out, f);
    return out + "]";
}

std::string event_message(const nostr::Event& e) {
    std::string out = "[\"EVENT\",";
    nostr::append_json(out, e);
    return out + "]";
}

std::string reason_prefix(const std::string& message) {
    auto colon = message.find(':');
    if (colon == std::string::npos || colon == 0) return "other";
    return message.substr(0, colon);
}

void add_common(Report& rep, const BenchOptions& o, const Runner& r) {
    rep.add("uri", o.uri).add("threads", uint64_t(r.size()));
}

RelayUsage::Sample RelayUsage::read() const {
    if (!pid_) return {};
    Sample s;
    if (auto t = cpu_time(pid_)) s.cpu = *t;
    if (auto w = write_bytes(pid_)) s.written = *w;
    return s;
}

void RelayUsage::add(Report& rep, uint64_t ops) const {
    auto per_op = [&](double v) { return ops ? v / double(ops) : 0.0; };
    if (start_.cpu && stop_.cpu) {
        const double us = double((*stop_.cpu - *start_.cpu).count());
        rep.add("relay_cpu_ms", us / 1000);
        rep.add("relay_cpu_us_per_op", per_op(us));
    }
    if (start_.written && stop_.written) {
        const uint64_t b = *stop_.written - *start_.written;
        rep.add("relay_write_bytes", b);
        rep.add("relay_write_bytes_per_op", per_op(double(b)));
    }
}

void add_latency(Report& rep, const LatencyRecorder& l) {
    rep.add("p50_ms", l.percentile_ms(50)).add("p99_ms", l.percentile_ms(99)).add("mean_ms", l.mean_ms());
    rep.add("max_ms", l.max_ms());
}

}  // namespace wsn::loadgen
