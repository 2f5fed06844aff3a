// `wsn bench <workload> URI [flags]`: the load generator (src/loadgen), and
// `wsn bench gen`: the repeatable signed data set, as JSONL on stdout.
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "crypto/keys.hpp"
#include "loadgen/generator.hpp"
#include "loadgen/proc.hpp"
#include "loadgen/workloads.hpp"
#include "nostr/limits.hpp"
#include "nostr/parser.hpp"

namespace wsn::cli {

namespace {

struct BenchFlags {
    std::string uri;
    std::string publish_to;  // fanout: publish through another relay (another frontend of one store)
    ConnectFlags connect;
    bool insecure = false, json = false;
    unsigned threads = 0;
    double duration = 10;
    uint64_t count = 0;
    size_t connections = 4, inflight = 1, subscribers = 100;
    double rate = 100;
    int pid = 0;
    std::string events_file;
    std::optional<uint64_t> seed;  // default 1; fanout: a fresh random one
    std::optional<size_t> authors;
    std::optional<int64_t> base_time;
    bool legacy = false;
    uint64_t dataset = 1000;
    bool preload = false;
};

enum class Workload { handshake, publish, req, fanout, idle };

std::chrono::milliseconds millis(double seconds) { return std::chrono::milliseconds(int64_t(std::ceil(seconds * 1000))); }

// Reads JSONL events; the Error names the file and line.
Result<std::vector<nostr::Event>> read_events(const std::string& path, uint64_t max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return err("cannot open " + path);
    nostr::Parser parser;
    std::vector<nostr::Event> out;
    std::string line;
    for (size_t n = 1; std::getline(in, line) && (max == 0 || out.size() < max); ++n) {
        if (line.empty()) continue;
        auto e = parser.parse_event(line);
        if (!e) return err(path + " line " + std::to_string(n) + ": " + e.error().message);
        out.push_back(std::move(*e));
    }
    if (out.empty()) return err(path + " holds no events");
    return out;
}

loadgen::Mix mix_of(const BenchFlags& f) { return f.legacy ? loadgen::Mix::legacy : loadgen::Mix::realistic; }

Result<loadgen::GenOptions> gen_options(const BenchFlags& f, uint64_t count, uint64_t default_seed = 1) {
    if (f.base_time && (*f.base_time < 0 || *f.base_time > nostr::kMaxCreatedAt))
        return err("--base-time must be a Unix time from 0 to " + std::to_string(nostr::kMaxCreatedAt));
    loadgen::GenOptions g;
    g.count = count;
    g.mix = mix_of(f);
    g.seed = f.seed.value_or(default_seed);
    g.authors = f.authors.value_or(loadgen::default_authors(g.mix));
    g.base_time = f.base_time.value_or(f.legacy ? loadgen::kLegacyBaseTime : loadgen::recent_base_time(std::time(nullptr)));
    g.threads = f.threads ? f.threads : std::max(1u, std::thread::hardware_concurrency());
    return g;
}

// A seed no earlier run used, so the fan-out's events (and authors) are new to the relay.
uint64_t fresh_seed() {
    std::array<uint8_t, 8> b;
    crypto::random_bytes(b);
    uint64_t s = 0;
    for (auto x : b) s = s << 8 | x;
    return s;
}

int run(Workload w, const BenchFlags& f) {
    if (auto u = parse_uris({f.uri}); !u) return fail(u.error().message, exit_usage);
    if (!f.publish_to.empty())
        if (auto u = parse_uris({f.publish_to}); !u) return fail("--publish-to: " + u.error().message, exit_usage);
    auto client = client_options(f.connect);
    if (!client) return fail(client.error().message, exit_usage);
    client->verify_tls = !f.insecure;
    if (!(f.duration > 0) || f.duration > 86400) return fail("--duration must be more than 0 and at most 86400 seconds", exit_usage);
    if (f.rate < 0) return fail("--rate must not be negative", exit_usage);
    if (f.pid)
        if (auto t = loadgen::cpu_time(f.pid); !t) return fail("--pid: " + t.error().message, exit_usage);

    loadgen::BenchOptions o;
    // Found by its key: resolved once, before any clock starts, so every connection of the
    // run dials the address that answered (and a cold cache costs the run nothing).
    auto located = [&](const std::string& uri) -> Result<std::string> {
        if (uri.empty() || !parse_relay_url(uri)->key_only()) return uri;
        auto c = net::BlockingClient::connect(uri, *client);
        if (!c) return err(uri + ": " + c.error().message);
        return format_address(c->address());
    };
    auto uri = located(f.uri);
    if (!uri) return fail(uri.error().message, exit_unreachable);
    auto publish_uri = located(f.publish_to);
    if (!publish_uri) return fail(publish_uri.error().message, exit_unreachable);
    o.uri = *uri;
    o.publish_uri = *publish_uri;
    o.client = *client;
    o.client.resolver = nullptr;  // the addresses are final now
    o.threads = f.threads;
    o.duration = millis(f.duration);
    o.count = f.count;
    o.timeout = client->connect_timeout;
    o.connections = f.connections;
    o.inflight = f.inflight;
    o.subscribers = f.subscribers;
    o.rate = f.rate;
    o.pid = f.pid;

    // Data sets are read or generated and signed before any clock starts. The
    // fan-out publishes --count events and one more, its end marker.
    std::vector<nostr::Event> events;
    if (w == Workload::publish || w == Workload::req || w == Workload::fanout) {
        const uint64_t fanout_n = (f.count ? f.count : 100) + 1;
        if (!f.events_file.empty()) {
            auto e = read_events(f.events_file, w == Workload::publish ? f.count : w == Workload::fanout ? fanout_n : 0);
            if (!e) return fail(e.error().message, exit_usage);
            events = std::move(*e);
            if (w == Workload::fanout && events.size() < 2) return fail(f.events_file + ": fanout needs at least 2 events", exit_usage);
        } else {
            const uint64_t n = w == Workload::publish ? (f.count ? f.count : 10000) : w == Workload::req ? f.dataset : fanout_n;
            auto g = gen_options(f, n, w == Workload::fanout ? fresh_seed() : 1);
            if (!g) return fail(g.error().message, exit_usage);
            events = loadgen::generate(*g);
        }
    }

    Result<loadgen::Report> rep = err("unknown workload");
    switch (w) {
        case Workload::handshake: rep = loadgen::run_handshake(o); break;
        case Workload::publish: rep = loadgen::run_publish(o, events); break;
        case Workload::req: rep = loadgen::run_req(o, events, f.preload || f.events_file.empty(), mix_of(f)); break;
        case Workload::fanout: rep = loadgen::run_fanout(o, events); break;
        case Workload::idle: rep = loadgen::run_idle(o); break;
    }
    if (!rep) return fail(f.uri + ": " + rep.error().message, exit_unreachable);
    const std::string out = f.json ? rep->json() + "\n" : rep->text();
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return exit_ok;
}

int run_gen(const BenchFlags& f) {
    if (f.count == 0) return fail("--count must be at least 1", exit_usage);
    auto g = gen_options(f, f.count);
    if (!g) return fail(g.error().message, exit_usage);
    const auto events = loadgen::generate(*g);
    std::string buf;
    for (const auto& e : events) {
        nostr::append_json(buf, e);
        buf += '\n';
        if (buf.size() > (1 << 20)) {
            if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) return fail("cannot write to stdout");
            buf.clear();
        }
    }
    if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size() || std::fflush(stdout) != 0)
        return fail("cannot write to stdout");
    return exit_ok;
}

void add_common(CLI::App& c, BenchFlags& f) {
    c.add_option("uri", f.uri, "Relay address: wsn://npub1...@host:port, wsns://, ws://, wss://")->required();
    add_connect_flags(c, f.connect);
    c.add_flag("--insecure", f.insecure, "wss: do not check the relay's certificate");
    c.add_option("--threads", f.threads, "I/O threads (default: one per hardware thread)");
    c.add_option("--duration", f.duration, "Seconds the measured phase may last")->capture_default_str();
    c.add_flag("--json", f.json, "Print one JSON line instead of the summary");
    c.add_option("--pid", f.pid,
                 "The relay's process id (same machine): its CPU time over the measured phase; for idle, its memory");
}

// The generated data set's shape (`wsn bench gen` and every workload that generates one).
void add_generated(CLI::App& c, BenchFlags& f, const char* seed_help) {
    c.add_option("--seed", f.seed, seed_help);
    c.add_option("--authors", f.authors, "Authors in the pool (default 1000; 100 with --legacy)");
    c.add_option("--base-time", f.base_time,
                 "created_at of the first event, Unix seconds (default: 00:00 UTC 30 days ago; 1700000000 with --legacy)");
    c.add_flag("--legacy", f.legacy, "The data set (and req's filters) of earlier versions, byte for byte");
}

void add_dataset(CLI::App& c, BenchFlags& f, const char* seed_help = "Seed of the generated data set (default 1)") {
    c.add_option("--events", f.events_file, "Pre-signed events, one JSON object a line (e.g. from `wsn bench gen`)");
    add_generated(c, f, seed_help);
}

}  // namespace

void register_bench(CLI::App& app, Dispatch& dispatch) {
    auto* bench = app.add_subcommand("bench", "Load generator: measure a relay (docs/tools.md)");
    bench->require_subcommand(1);
    auto add = [&](const char* name, const char* help, Workload w) {
        auto f = std::make_shared<BenchFlags>();
        auto* c = bench->add_subcommand(name, help);
        add_common(*c, *f);
        dispatch.on(c, [f, w] { return run(w, *f); });
        return std::pair{c, f};
    };

    auto [hs, hf] = add("handshake", "Connections per second: connect + handshake + one REQ/EOSE + close", Workload::handshake);
    hs->add_option("--connections", hf->connections, "Dialers in parallel")->capture_default_str();
    hs->add_option("--count", hf->count, "Stop after this many connections (default: --duration only)");

    auto [pb, pf] = add("publish", "Events per second acknowledged OK true, and send->OK latency", Workload::publish);
    add_dataset(*pb, *pf);
    pb->add_option("--count", pf->count, "Events to publish (generated: default 10000; --events: at most this many)");
    pb->add_option("--connections", pf->connections, "Connections")->capture_default_str();
    pb->add_option("--inflight", pf->inflight, "Events awaiting OK per connection")->capture_default_str();

    auto [rq, rf] = add("req", "REQ->EOSE round trips per second over a mix of filters", Workload::req);
    add_dataset(*rq, *rf);
    rq->add_option("--dataset", rf->dataset, "Size of the generated data set published first")->capture_default_str();
    rq->add_flag("--preload", rf->preload, "Publish the --events data set first (default: already loaded)");
    rq->add_option("--count", rf->count, "Stop after this many queries (default: --duration only)");
    rq->add_option("--connections", rf->connections, "Connections")->capture_default_str();
    rq->add_option("--inflight", rf->inflight, "Queries in flight per connection (1-50)")->capture_default_str();

    auto [fo, ff] = add("fanout", "Delivery latency from one publisher to S subscribers", Workload::fanout);
    add_dataset(*fo, *ff, "Seed of the generated events (default: a fresh random one, so they are new to the relay)");
    fo->add_option("--subscribers", ff->subscribers, "Subscriber connections")->capture_default_str();
    fo->add_option("--count", ff->count, "Events to publish, then one more as the end marker (default 100)");
    fo->add_option("--rate", ff->rate, "Events per second (0: each as soon as the previous is acknowledged)")
        ->capture_default_str();
    fo->add_option("--publish-to", ff->publish_to,
                   "Publish through this relay instead, e.g. another frontend of the same PostgreSQL store "
                   "(the latency across frontends)");

    auto [id, idf] = add("idle", "Hold idle connections; with --pid, the relay's memory per connection", Workload::idle);
    idf->connections = 100;
    id->add_option("--connections", idf->connections, "Connections to hold")->capture_default_str();

    auto gf = std::make_shared<BenchFlags>();
    gf->count = 1000;
    auto* gen = bench->add_subcommand("gen", "Write a repeatable signed data set (JSONL) to stdout");
    gen->add_option("--count", gf->count, "Events")->capture_default_str();
    add_generated(*gen, *gf, "Seed (default 1): the same flags give the same bytes (the default --base-time, all day)");
    gen->add_option("--threads", gf->threads, "Signing threads (default: one per hardware thread)");
    dispatch.on(gen, [gf] { return run_gen(*gf); });
}

}  // namespace wsn::cli
