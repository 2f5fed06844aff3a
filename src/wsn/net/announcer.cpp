// One I/O context on one thread: the schedule (a timer) and one publishing coroutine per
// directory per announcement, each retrying on its own. A newer announcement supersedes
// the retries of the older one (generation counter).
#include "util/clock.hpp"
#include "wsn/net/announcer.hpp"

#include <ctime>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "nostr/message.hpp"
#include "nostr/parser.hpp"
#include "wsn/announce_plan.hpp"
#include "wsn/announcement.hpp"

// A false positive of gcc 12 on Asio's frame allocator (see resolver.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace wsn::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr std::chrono::seconds kAnswerTimeout{15};

// Outside the coroutines: gcc 12 miscompiles braced aggregates holding arrays there.
std::string event_message(const nostr::Event& e) { return nostr::to_json(nostr::ClientMessage{nostr::ClientEvent{e}}); }

awaitable<void> sleep_for(asio::any_io_executor ex, std::chrono::milliseconds d) {
    asio::steady_timer t(ex, d);
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
}

// One attempt: connect, EVENT, the OK for it. "" when accepted; the refusal as
// "refused: <message>" (not retried); any other failure as its error (retried).
awaitable<Result<std::string>> publish_once(asio::any_io_executor ex, const std::string& url, const nostr::Event& e,
                                            ClientOptions opts) {
    auto c = co_await Client::connect(ex, url, opts);
    if (!c) co_return c.error();
    Client& client = **c;
    asio::steady_timer deadline(ex, kAnswerTimeout);
    deadline.async_wait([&client](boost::system::error_code ec) {
        if (!ec) client.abort();
    });
    Result<std::string> out = err("no answer");
    std::string message = event_message(e);  // named: no temporaries in co_await (gcc 12)
    if (auto s = co_await client.write(std::move(message)); !s) {
        out = s.error();
    } else {
        nostr::Parser parser;
        for (;;) {
            auto text = co_await client.read();
            if (!text) {
                out = err(text.error().message);
                break;
            }
            auto m = parser.parse_relay_message(*text);
            if (!m) continue;
            auto* ok = std::get_if<nostr::RelayOk>(&*m);
            if (!ok || ok->event_id != e.id) continue;
            out = ok->accepted ? std::string() : "refused: " + ok->message;
            break;
        }
    }
    deadline.cancel();
    if (!client.close_info()) co_await client.close();
    co_return out;
}

}  // namespace

struct Announcer::Impl {
    AnnouncerOptions o;
    void info(const std::string& m) const { if (o.log) o.log(false, o.who + ": " + m); }
    void warn(const std::string& m) const { if (o.log) o.log(true, o.who + ": " + m); }
    asio::io_context ioc;
    std::thread thread;
    uint64_t generation = 0;  // of the announcement being published (I/O thread only)

    // Signs a new announcement if one is due; true if it did.
    bool sign_if_due() {
        const int64_t now = unix_now();
        if (!announcement_due(o.last, o.addresses, now, o.interval)) return false;
        o.last = build_announcement(o.key, o.addresses, next_created_at(o.last, now), o.expiry);
        info("signed announcement " + nostr::id_hex(o.last->id) + " of " + std::to_string(o.addresses.size()) +
             " address(es), valid " + std::to_string(o.expiry) + " s");
        if (o.keep) o.keep(*o.last);
        return true;
    }

    awaitable<void> publish(std::string url, nostr::Event e, uint64_t gen) {
        auto ex = co_await asio::this_coro::executor;
        ClientOptions opts = o.client;
        opts.key = o.key;
        opts.resolver = nullptr;
        std::chrono::milliseconds wait = kFirstRetry;
        while (gen == generation) {
            auto r = co_await publish_once(ex, url, e, opts);
            if (r && r->empty()) {
                info("published " + nostr::id_hex(e.id) + " to " + url);
                co_return;
            }
            if (r) {  // the directory said no: asking again would not change its mind
                warn(url + " " + *r);
                co_return;
            }
            warn("publishing to " + url + " failed: " + r.error().message + "; retrying in " +
                 std::to_string(wait.count() / 1000) + " s");
            co_await sleep_for(ex, wait);
            wait = next_retry(wait);
        }
    }

    awaitable<void> schedule() {
        auto ex = co_await asio::this_coro::executor;
        for (bool first = true;; first = false) {
            if (!first) sign_if_due();
            ++generation;
            for (const auto& d : o.directories) asio::co_spawn(ex, publish(d, *o.last, generation), asio::detached);
            const std::chrono::milliseconds next =
                std::chrono::seconds(std::max<int64_t>(1, o.last->created_at + o.interval - unix_now()));
            co_await sleep_for(ex, next);
        }
    }
};

Announcer::Announcer(AnnouncerOptions o) : impl_(std::make_unique<Impl>()) { impl_->o = std::move(o); }

Announcer::~Announcer() { stop(); }

void Announcer::start() {
    auto& im = *impl_;
    if (!im.sign_if_due())
        im.info("announcement " + nostr::id_hex(im.o.last->id) + " still current");
    asio::co_spawn(im.ioc, im.schedule(), asio::detached);
    im.thread = std::thread([&im] { im.ioc.run(); });
}

void Announcer::stop() {
    if (!impl_ || !impl_->thread.joinable()) return;
    impl_->ioc.stop();
    impl_->thread.join();
}

}  // namespace wsn::net
