#include "relay/relay.hpp"
#include "relay/own_announcement.hpp"

#include <filesystem>

#include <pthread.h>

#include <spdlog/spdlog.h>

#include "files/key_file.hpp"
#include "nostr/nip19.hpp"
#include "relay/accept.hpp"
#include "relay/feed_reader.hpp"
#include "relay/http_routes.hpp"
#include "relay/monitor.hpp"
#include "relay/policy_worker.hpp"
#include "relay/neg_worker.hpp"
#include "relay/query_worker.hpp"
#include "relay/verifier.hpp"
#include "relay/write_policy.hpp"
#include "relay/writer.hpp"
#include "store/open.hpp"
#include "wsn/address.hpp"
#include "wsn/net/listener_addresses.hpp"

namespace wsn::relay {

struct Relay::Impl {
    Shared sh;
    std::unique_ptr<net::Announcer> announcer;  // [announce]; publishes on a thread of its own
    std::vector<std::thread> verifiers;
    std::vector<std::thread> queries;
    std::thread policy, writer, neg, monitor, feed;
    std::unique_ptr<FeedReader> feed_reader;
    std::unique_ptr<HttpRoutes> http;
};

namespace {

// A thread named for its job (at most 15 characters), so top -H, perf and
// /proc/PID/task/*/comm tell the relay's stages apart.
template <class F>
std::thread named_thread(std::string name, F f) {
    return std::thread([name = std::move(name), f = std::move(f)]() mutable {
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        f();
    });
}

std::string log_key(const std::optional<crypto::XOnlyPubkey>& k) {
    return k ? " " + nostr::encode_npub(*k) : "";
}

}  // namespace

Result<std::unique_ptr<Relay>> Relay::start(Config cfg) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec) return err("cannot create data folder " + cfg.data_dir + ": " + ec.message());
    complete_defaults(cfg);

    auto key = files::read_or_create_key_file(cfg.key_file);
    if (!key) return key.error();
    if (!key->warning.empty()) spdlog::warn("{}", key->warning);
    if (key->created) spdlog::info("generated a new relay key in {}", cfg.key_file);

    auto impl = std::make_unique<Impl>();
    Shared& sh = impl->sh;
    sh.pubkey = key->key.xonly_pubkey();
    sh.limits = parser_limits(cfg);
    sh.events_per_ip.reset(cfg.events_per_ip);
    sh.events_per_pubkey.reset(cfg.events_per_pubkey);
    sh.reqs_per_ip.reset(cfg.reqs_per_ip);

    store::Options so;
    so.lmdb.dir = cfg.data_dir;
    so.lmdb.map_size = uint64_t(cfg.map_size_mib) << 20;
    if (cfg.store_backend == "postgres") {
        if (cfg.store_url.empty()) return err("store.url is needed with store.backend = \"postgres\"");
        so.backend = store::Backend::postgres;
        so.postgres = {cfg.store_url, cfg.store_read_url, unsigned(cfg.store_pool_size), cfg.store_timeout};
    }
    auto st = store::open(so);
    if (!st) return st.error();
    sh.store = std::move(*st);
    sh.feed = sh.store->feed();
    auto moderation = load_moderation(*sh.store);
    if (!moderation) return moderation.error();
    sh.moderation.set(std::move(*moderation));

    if (!cfg.write_policy_plugin.empty()) {
        PolicyOptions po;
        po.timeout = cfg.write_policy_timeout;
        sh.write_policy = std::make_unique<WritePolicy>(cfg.write_policy_plugin, po);
    }

    unsigned nv = cfg.verifier_threads ? cfg.verifier_threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < nv; ++i) sh.verifier_inboxes.push_back(std::make_unique<Inbox<IngestMsg>>());
    unsigned nq = cfg.query_threads ? cfg.query_threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < nq; ++i) sh.query_inboxes.push_back(std::make_unique<Inbox<ReqMsg>>());

    net::ServerOptions opts;
    opts.listen = cfg.listen;
    opts.key = key->key.with_even_y();
    opts.tls_cert_file = cfg.tls_cert;
    opts.tls_key_file = cfg.tls_key;
    opts.allow_plaintext = cfg.allow_plaintext;
    opts.handshake_timeout = cfg.handshake_timeout;
    opts.idle_timeout = cfg.idle_timeout;
    opts.max_message_bytes = cfg.max_message_bytes;
    opts.max_connections = cfg.max_connections;
    opts.max_connections_per_ip = cfg.max_connections_per_ip;
    opts.max_queued_bytes_total = cfg.max_output_mib * 1024 * 1024;
    opts.max_unconsumed_bytes_per_session = cfg.max_input_kib_per_connection * 1024;  // Verifier::run consumes
    opts.max_unconsumed_bytes_total = cfg.max_input_mib * 1024 * 1024;
    opts.real_ip_header = cfg.real_ip_header;
    sh.private_kinds = PrivateKinds(cfg.private_kinds);
    for (const std::string& p : cfg.trusted_proxies) sh.trusted_proxies.push_back(*parse_ip_network(p));  // checked when read
    opts.io_threads = cfg.io_threads ? cfg.io_threads : std::max(1u, std::thread::hardware_concurrency());

    net::ServerHandler h;
    h.on_open = [&sh](const net::SessionInfo& info) {
        std::string ip = client_ip(info.remote.host, info.forwarded, sh.trusted_proxies);
        spdlog::info("open #{} {} {}{}{}", info.id, scheme_name(info.scheme), format_host_port(info.remote),
                     info.forwarded.empty() ? "" : " for " + ip, log_key(info.client_key));
        sh.metrics.connection_opened(info.scheme);
        sh.verifier_for(info.id).push(in::Open{info, std::move(ip)});
    };
    h.on_message = [&sh](uint64_t id, std::string text) { sh.verifier_for(id).push(in::Text{id, std::move(text)}); };
    h.on_close = [&sh](uint64_t id) { sh.verifier_for(id).push(in::Closed{id}); };
    h.on_drained = [&sh](uint64_t id) { sh.query_for(id).push(req::Drained{id}); };
    impl->http = std::make_unique<HttpRoutes>(sh);
    h.on_http = [routes = impl->http.get()](const net::HttpRequest& req) { return routes->answer(req); };
    sh.cfg = std::move(cfg);
    sh.server = std::make_unique<net::Server>(std::move(opts), std::move(h));
    if (auto s = sh.server->start(); !s) return s.error();
    spdlog::info("connections: at most {} ({} per IP)", sh.server->stats().max_connections,
                 sh.cfg.max_connections_per_ip ? std::to_string(sh.cfg.max_connections_per_ip) : "no cap");
    sh.addresses = net::listener_addresses(sh.server->bound(), sh.pubkey);
    if (announcing(sh.cfg)) {
        auto ao = announcer_options(sh.cfg, key->key, sh.addresses);
        if (!ao) return ao.error();
        ao->last = stored_announcement(*sh.store, sh.pubkey);
        // Stored like any event (the writer's rules: the newest replaces the older).
        ao->keep = [&sh](const nostr::Event& e) { sh.writer_inbox.push(AddEvent{0, LiveEvent(e)}); };
        ao->log = [](bool problem, const std::string& m) {
            if (problem) spdlog::warn("{}", m);
            else spdlog::info("{}", m);
        };
        impl->announcer = std::make_unique<net::Announcer>(std::move(*ao));
    }

    std::unique_ptr<Relay> relay(new Relay(std::move(impl)));
    return relay;
}

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Relay::~Relay() { stop(); }

const crypto::XOnlyPubkey& Relay::pubkey() const { return impl_->sh.pubkey; }

const std::vector<std::string>& Relay::addresses() const { return impl_->sh.addresses; }

void Relay::run() {
    Shared& sh = impl_->sh;
    for (size_t i = 0; i < sh.verifier_inboxes.size(); ++i)
        impl_->verifiers.push_back(named_thread("verify-" + std::to_string(i),
                                                [&sh, &inbox = *sh.verifier_inboxes[i]] { Verifier(sh, inbox).run(); }));
    if (sh.write_policy) impl_->policy = named_thread("policy", [&sh] { PolicyWorker(sh).run(); });
    impl_->writer = named_thread("writer", [&sh] { Writer(sh).run(); });
    for (size_t i = 0; i < sh.query_inboxes.size(); ++i)
        impl_->queries.push_back(named_thread("query-" + std::to_string(i),
                                              [&sh, &inbox = *sh.query_inboxes[i]] { QueryWorker(sh, inbox).run(); }));
    impl_->neg = named_thread("negentropy", [&sh] { NegWorker(sh).run(); });
    impl_->monitor = named_thread("monitor", [&sh] { Monitor(sh).run(); });
    if (sh.feed) {
        impl_->feed_reader = std::make_unique<FeedReader>(sh, *sh.feed);
        impl_->feed = named_thread("feed", [r = impl_->feed_reader.get()] { r->run(); });
    }

    if (impl_->announcer) impl_->announcer->start();  // after the writer, which keeps its event
    sh.server->run();  // until stop()
    if (impl_->announcer) impl_->announcer->stop();

    // Drain in pipeline order so every accepted event is written and answered.
    for (auto& inbox : sh.verifier_inboxes) inbox->close();
    for (auto& t : impl_->verifiers) t.join();
    sh.policy_inbox.close();
    if (impl_->policy.joinable()) impl_->policy.join();
    sh.writer_inbox.close();
    impl_->writer.join();
    for (auto& inbox : sh.query_inboxes) inbox->close();
    for (auto& t : impl_->queries) t.join();
    sh.neg_inbox.close();
    impl_->neg.join();
    if (impl_->feed_reader) {
        impl_->feed_reader->stop();
        impl_->feed.join();
    }
    sh.monitor_inbox.close();
    impl_->monitor.join();
    impl_->verifiers.clear();
}

void Relay::stop() { impl_->sh.server->stop(); }

}  // namespace wsn::relay
