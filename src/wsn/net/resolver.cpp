// The coroutines run on the caller's executor, which runs on one thread (the CLI's
// BlockingClient, the proxy's upstream context, one loadgen context per thread), so the
// state of one lookup needs no lock; the cache is shared by all and has one.
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include "util/clock.hpp"
#include "wsn/net/resolver.hpp"

#include <algorithm>
#include <ctime>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "files/state_file.hpp"
#include "nostr/message.hpp"
#include "nostr/nip19.hpp"
#include "nostr/parser.hpp"

// gcc 12 reports Asio's own frame allocator (operator new of n + 1 bytes, its sized
// delete) as mismatched once it inlines a coroutine that starts another: a false
// positive (gcc bug 109224).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace wsn::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr size_t kMaxCacheFile = 16 * 1024 * 1024;
constexpr size_t kMaxEventsPerDirectory = 16;  // a replaceable kind: one is expected

// Made outside the coroutines: gcc 12 miscompiles braced aggregates holding arrays
// (keys, ids) inside a coroutine ("array used as initializer").
CachedRelay entry(const crypto::XOnlyPubkey& key, std::optional<Address> good, std::optional<nostr::Event> ann) {
    return CachedRelay{key, std::move(good), std::move(ann), unix_now()};
}
Received received(const std::string& source, nostr::Event e) { return Received{source, std::move(e)}; }

// ["REQ", sub, {"kinds":[11111],"authors":[key]}]
std::string announcement_req(const std::string& sub, const crypto::XOnlyPubkey& key) {
    nostr::Filter f;
    f.kinds = std::vector<uint16_t>{kAnnouncementKind};
    f.authors = std::vector<crypto::XOnlyPubkey>{key};
    return nostr::to_json(nostr::ClientMessage{nostr::ClientReq{sub, {f}}});
}

// The options for one attempt: no resolver (no recursion), the short deadline for
// clearnet addresses, the caller's own for onion ones (Tor circuits take longer).
ClientOptions attempt_options(const ClientOptions& opts, const Address& a, std::chrono::milliseconds short_deadline) {
    ClientOptions o = opts;
    o.resolver = nullptr;
    if (a.host.kind != HostKind::onion) {
        o.connect_timeout = std::min(o.connect_timeout, short_deadline);
        o.handshake_timeout = std::min(o.handshake_timeout, short_deadline);
    }
    return o;
}

// The answers of the directories asked in one lookup, filled as they come in.
struct Gather {
    explicit Gather(asio::any_io_executor ex, size_t n) : wake(ex), clients(n, nullptr) {}
    asio::steady_timer wake;       // cancelled when the last directory is done
    std::vector<Client*> clients;  // open ones, to cut off at the deadline
    std::vector<Received> received;
    std::vector<std::string> unreachable;
    size_t pending = 0;
    void done() {
        if (--pending == 0) wake.cancel();
    }
};

awaitable<void> ask(asio::any_io_executor ex, std::string url, crypto::XOnlyPubkey key, ClientOptions opts,
                    std::shared_ptr<Gather> g, size_t i) {
    auto c = co_await Client::connect(ex, url, opts);
    if (!c) {
        g->unreachable.push_back(url + ": " + c.error().message);
        g->done();
        co_return;
    }
    g->clients[i] = c->get();
    const std::string sub = "wsn-resolve";
    auto sent = co_await (*c)->write(announcement_req(sub, key));
    nostr::Parser parser;
    size_t events = 0;
    while (sent) {
        auto text = co_await (*c)->read();
        if (!text) {
            g->unreachable.push_back(url + ": " + text.error().message);
            break;
        }
        auto m = parser.parse_relay_message(*text);
        if (!m) continue;
        if (auto* e = std::get_if<nostr::RelayEvent>(&*m)) {
            if (e->sub_id == sub && ++events <= kMaxEventsPerDirectory) g->received.push_back(received(url, std::move(e->event)));
            continue;
        }
        if (auto* closed = std::get_if<nostr::RelayClosed>(&*m)) {
            g->unreachable.push_back(url + ": CLOSED " + closed->message);
            break;
        }
        if (std::holds_alternative<nostr::RelayEose>(*m)) break;
    }
    if (!sent) g->unreachable.push_back(url + ": " + sent.error().message);
    g->clients[i] = nullptr;
    if (!(*c)->close_info()) co_await (*c)->close();
    g->done();
}

}  // namespace

Resolver::Resolver(ResolverOptions o) : o_(std::move(o)) {
    if (o_.cache_file.empty()) return;
    auto text = files::read_state_file(o_.cache_file, kMaxCacheFile);
    if (!text) {
        note("cache: " + text.error().message + " (starting afresh)");
    } else if (*text) {
        auto c = parse_cache(**text);
        if (c) cache_ = std::move(*c);
        else note("cache " + o_.cache_file + ": " + c.error().message + " (starting afresh)");
    }
}

void Resolver::note(const std::string& s) const {
    if (o_.log) o_.log(s);
}

std::optional<CachedRelay> Resolver::cached(const crypto::XOnlyPubkey& key) {
    std::lock_guard lock(mu_);
    const CachedRelay* r = find_cached(cache_, key);
    return r ? std::optional<CachedRelay>(*r) : std::nullopt;
}

void Resolver::learn(const CachedRelay& r) {
    std::string text;
    {
        std::lock_guard lock(mu_);
        if (!remember(cache_, r) || o_.cache_file.empty()) return;
        text = format_cache(cache_);
    }
    if (auto s = files::write_state_file(o_.cache_file, text); !s) note("cache: " + s.error().message);
}

awaitable<Resolver::Lookup> Resolver::lookup(asio::any_io_executor ex, crypto::XOnlyPubkey key, ClientOptions opts) {
    auto held = cached(key);
    std::optional<nostr::Event> cached_event = held ? held->announcement : std::nullopt;
    auto g = std::make_shared<Gather>(ex, o_.directories.size());
    opts.resolver = nullptr;
    opts.connect_timeout = std::min(opts.connect_timeout, o_.directory_timeout);
    opts.handshake_timeout = std::min(opts.handshake_timeout, o_.directory_timeout);
    g->pending = o_.directories.size();
    for (size_t i = 0; i < o_.directories.size(); ++i)
        asio::co_spawn(ex, ask(ex, o_.directories[i], key, opts, g, i), asio::detached);
    if (g->pending > 0) {
        g->wake.expires_after(o_.directory_timeout);
        boost::system::error_code ec;
        co_await g->wake.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    for (size_t i = 0; i < g->clients.size(); ++i)
        if (g->clients[i]) {  // still talking at the deadline: cut off, its answers so far count
            g->unreachable.push_back(o_.directories[i] + ": no EOSE within the directory timeout");
            g->clients[i]->abort();
            g->clients[i] = nullptr;
        }
    Lookup out;
    out.choice = choose_announcement(key, unix_now(), cached_event, g->received);
    out.unreachable = std::move(g->unreachable);
    for (const auto& s : out.choice.ignored) note("ignored an announcement from " + s);
    if (out.choice.best) learn(entry(key, std::nullopt, out.choice.best->event));
    co_return out;
}

Resolver::Lookup Resolver::lookup_blocking(const crypto::XOnlyPubkey& key, const ClientOptions& opts) {
    asio::io_context ioc;
    std::optional<Lookup> out;
    asio::co_spawn(
        ioc, [&]() -> awaitable<void> { out.emplace(co_await lookup(ioc.get_executor(), key, opts)); },
        [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    ioc.run();
    return std::move(*out);
}

awaitable<Result<std::unique_ptr<Client>>> Resolver::connect(asio::any_io_executor ex, Address addr,
                                                             ClientOptions opts) {
    opts.resolver = nullptr;
    if (!addr.key) {  // ws/wss: nothing to resolve
        const std::string url = format_address(addr);
        co_return co_await Client::connect(ex, url, opts);
    }
    const crypto::XOnlyPubkey key = *addr.key;
    std::vector<Address> tried;
    std::vector<std::string> failures;  // "<address>: <why>", for the final error
    std::optional<std::string> host_error;

    auto held = cached(key);
    // The short per-address deadline only where there is somewhere else to go.
    const bool fallback = held || !o_.directories.empty();
    auto attempt = [&](Address a) -> awaitable<Result<std::unique_ptr<Client>>> {
        tried.push_back(a);
        // Named, not temporaries in the co_await expression (gcc 12 coroutine bugs).
        const std::string url = format_address(a);
        ClientOptions o = fallback ? attempt_options(opts, a, o_.address_timeout) : opts;
        auto c = co_await Client::connect(ex, url, std::move(o));
        if (!c) failures.push_back(format_address(a) + ": " + c.error().message);
        co_return std::move(c);
    };

    if (!addr.key_only()) {
        auto c = co_await attempt(addr);
        if (c) co_return std::move(c);
        host_error = c.error().message;
    }
    if (held && held->last_good && std::find(tried.begin(), tried.end(), *held->last_good) == tried.end()) {
        auto c = co_await attempt(*held->last_good);
        if (c) {
            learn(entry(key, held->last_good, std::nullopt));
            co_return std::move(c);
        }
        note(failures.back() + " (the cached address; asking the directories)");
    }

    std::optional<Announcement> best;
    std::vector<std::string> unreachable;
    if (!o_.directories.empty()) {
        auto l = co_await lookup(ex, key, opts);
        best = std::move(l.choice.best);
        unreachable = std::move(l.unreachable);
    } else if (held && held->announcement) {
        best = std::move(choose_announcement(key, unix_now(), held->announcement, {}).best);
    }
    if (best) {
        for (const Address& a : candidates(*best, !opts.socks5_proxy.empty(), tried)) {
            auto c = co_await attempt(a);
            if (c) {
                learn(entry(key, a, best->event));
                co_return std::move(c);
            }
            note(failures.back());
        }
    }

    // Nothing worked: the host's own error first (what a user without discovery saw).
    if (host_error && !fallback) co_return err(*host_error);
    std::string why = host_error ? *host_error + "; then " : "";
    const std::string npub = nostr::encode_npub(key);
    if (!best) {
        if (o_.directories.empty() && !held)
            co_return err(why + (addr.key_only() ? unresolved_error(addr) : "no other address of " + npub + " known"));
        why += "no announcement of " + npub + " found";
        if (!o_.directories.empty()) why += " on " + std::to_string(o_.directories.size()) + " directory relay(s)";
        for (const auto& u : unreachable) why += "; " + u;
        co_return err(why);
    }
    size_t before = host_error ? 1 : 0;
    if (failures.size() == before) co_return err(why + "the announcement of " + npub + " lists no address this client can use");
    why += "no address of " + npub + " answered";
    for (size_t i = before; i < failures.size(); ++i) why += "; " + failures[i];
    co_return err(why);
}

}  // namespace wsn::net
