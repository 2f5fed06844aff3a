// The bridge's sessions. Everything about a session's upstream side runs on one
// thread (the upstream I/O context); the listener's callbacks only post to it, so the
// session table needs no lock.
#include "proxy/bridge.hpp"

#include <chrono>
#include <deque>
#include <thread>
#include <unordered_map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "nostr/message.hpp"
#include "nostr/nip19.hpp"

namespace wsn::proxy {

namespace asio = boost::asio;
using asio::awaitable;

namespace {

// RFC 6455 registry: 1014 "Bad Gateway", the upstream could not be reached.
constexpr uint16_t kBadGateway = 1014;
constexpr uint16_t kGoingAway = 1001;

struct Link {
    net::SessionInfo info;
    std::string upstream;
    std::unique_ptr<net::Client> client;
    std::deque<std::string> out;  // to the upstream, in order
    size_t out_bytes = 0;
    bool writing = false;
    bool app_closed = false;
    bool failed = false;          // refused or upstream gone: nothing more goes up
    bool upstream_ended = false;  // its read loop is over
    uint64_t up_msgs = 0, down_msgs = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::string end;  // why it ended, when not by the app
};

}  // namespace

struct Bridge::Impl {
    BridgeOptions opts;
    std::unique_ptr<net::Server> server;
    asio::io_context up;
    std::unordered_map<uint64_t, std::shared_ptr<Link>> links;

    explicit Impl(BridgeOptions o) : opts(std::move(o)) {
        net::ServerHandler h;
        h.on_open = [this](const net::SessionInfo& info) { asio::post(up, [this, info] { open(info); }); };
        h.on_message = [this](uint64_t id, std::string text) {
            asio::post(up, [this, id, t = std::move(text)]() mutable { to_upstream(id, std::move(t)); });
        };
        h.on_close = [this](uint64_t id) { asio::post(up, [this, id] { app_closed(id); }); };
        h.on_http = opts.on_http;
        server = std::make_unique<net::Server>(opts.server, std::move(h));
    }

    void open(const net::SessionInfo& info) {
        auto link = std::make_shared<Link>();
        link->info = info;
        links[info.id] = link;
        auto route = opts.route(info);
        if (!route) return refuse(*link, route.error().message);
        link->upstream = *route;
        asio::co_spawn(up, pump(link), asio::detached);
    }

    // Tells the app why, then closes its session.
    void refuse(Link& l, const std::string& reason) {
        if (l.failed) return;
        l.failed = true;
        l.end = reason;
        std::string why = "wsn " + opts.name + ": " + reason;
        server->send(l.info.id, nostr::to_json(nostr::RelayMessage{nostr::RelayNotice{why}}));
        server->close(l.info.id, kBadGateway, why.substr(0, 123));
    }

    awaitable<void> pump(std::shared_ptr<Link> l) {
        auto c = co_await net::Client::connect(up.get_executor(), l->upstream, opts.upstream);
        if (!c) {
            refuse(*l, c.error().message);
            co_return;
        }
        l->client = std::move(*c);
        if (l->app_closed) {
            co_await l->client->close(kGoingAway, "client went away");
            co_return;
        }
        if (!l->out.empty()) start_writing(l);
        for (;;) {
            auto m = co_await l->client->read();
            if (!m) {
                l->upstream_ended = true;
                if (!l->app_closed && !l->failed) {
                    l->failed = true;
                    l->end = "upstream: " + m.error().message;
                    server->close(l->info.id, kGoingAway, "upstream relay closed the connection");
                }
                co_return;
            }
            ++l->down_msgs;
            server->send(l->info.id, std::move(*m));
        }
    }

    void to_upstream(uint64_t id, std::string text) {
        auto it = links.find(id);
        if (it == links.end()) return;
        Link& l = *it->second;
        if (l.failed) return;
        if (l.out_bytes + text.size() > opts.max_pending_bytes)
            return refuse(l, "too much waiting for the upstream relay");
        l.out_bytes += text.size();
        l.out.push_back(std::move(text));
        if (l.client) start_writing(it->second);
    }

    void start_writing(const std::shared_ptr<Link>& l) {
        if (l->writing) return;
        l->writing = true;
        asio::co_spawn(up, write_loop(l), asio::detached);
    }

    awaitable<void> write_loop(std::shared_ptr<Link> l) {
        while (!l->out.empty() && !l->failed && !l->app_closed) {
            std::string text = std::move(l->out.front());
            l->out.pop_front();
            l->out_bytes -= text.size();
            if (auto s = co_await l->client->write(std::move(text)); !s) {
                refuse(*l, "upstream: " + s.error().message);
                break;
            }
            ++l->up_msgs;
        }
        l->writing = false;
    }

    void app_closed(uint64_t id) {
        auto it = links.find(id);
        if (it == links.end()) return;
        auto l = it->second;
        links.erase(it);
        l->app_closed = true;
        log(*l);
        l->failed = true;
        if (l->client && !l->upstream_ended) {
            l->upstream_ended = true;
            asio::co_spawn(up, close_upstream(l), asio::detached);
        }
    }

    awaitable<void> close_upstream(std::shared_ptr<Link> l) { co_await l->client->close(1000, "client went away"); }

    void log(const Link& l) {
        auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - l.started).count();
        std::string who = l.info.client_key ? " " + nostr::encode_npub(*l.info.client_key) : "";
        spdlog::info("{} session #{} {} {}{} -> {}: {} up, {} down, {:.1f}s{}", opts.name, l.info.id,
                     scheme_name(l.info.scheme), format_host_port(l.info.remote), who, l.upstream.empty() ? "-" : l.upstream,
                     l.up_msgs, l.down_msgs, secs, l.end.empty() ? "" : ", " + l.end);
    }
};

Bridge::Bridge(BridgeOptions opts) : impl_(std::make_unique<Impl>(std::move(opts))) {}
Bridge::~Bridge() = default;

Status Bridge::start() { return impl_->server->start(); }

std::vector<net::ListenAddress> Bridge::bound() const { return impl_->server->bound(); }

void Bridge::run() {
    auto work = asio::make_work_guard(impl_->up);
    std::thread upstream([this] { impl_->up.run(); });
    impl_->server->run();  // until stop(); every session has ended (on_close posted)
    work.reset();          // the upstream side ends once the last upstream connection is closed
    upstream.join();
}

void Bridge::stop() { impl_->server->stop(); }

}  // namespace wsn::proxy
