// 2,000 wsn sessions held open at once against a server in a child process, whose
// resident memory per session is printed (the goal is under 20 KB per idle session).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "net/net_support.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/client.hpp"

namespace wsn::test {
namespace {

namespace asio = boost::asio;
constexpr int kSessions = 2000;

// Kills and reaps the server child at the end of a test.
struct Reap {
    int pid;
    ~Reap() {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
};

// Runs an echoing server in a child; returns its pid and port.
std::pair<int, uint16_t> fork_server(const crypto::SecretKey& relay, unsigned io_threads = 1) {
    int fds[2];
    if (::pipe(fds) != 0) return {-1, 0};
    int pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        net::ServerOptions o;
        o.key = relay;
        o.io_threads = io_threads;
        o.listen.push_back({"127.0.0.1", 0, false});
        net::Server* srv = nullptr;
        net::ServerHandler h;
        h.on_message = [&](uint64_t s, std::string t) { srv->send(s, std::move(t)); };
        net::Server server(std::move(o), std::move(h));
        srv = &server;
        uint16_t port = server.start() ? server.bound()[0].port : 0;
        if (::write(fds[1], &port, sizeof port) != sizeof port) ::_exit(1);
        ::close(fds[1]);
        server.run();
        ::_exit(0);
    }
    ::close(fds[1]);
    uint16_t port = 0;
    if (::read(fds[0], &port, sizeof port) != sizeof port) port = 0;
    ::close(fds[0]);
    return {pid, port};
}

TEST(NetMany, TwoThousandConcurrentWsnSessions) {
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < 2 * kSessions + 100) {
        rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 2 * kSessions + 100);
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < kSessions + 100) GTEST_SKIP() << "file descriptor limit too low: " << rl.rlim_cur;

    auto relay = crypto::SecretKey::generate();
    auto [pid, port] = fork_server(relay);
    ASSERT_GT(pid, 0);
    ASSERT_NE(port, 0);
    Reap reap{pid};

    const std::string url = "wsn://" + nostr::encode_npub(relay.xonly_pubkey()) + "@127.0.0.1:" + std::to_string(port);
    asio::io_context ioc;
    std::vector<std::unique_ptr<net::Client>> clients(kSessions);
    int ready = 0, failed = 0;
    std::string first_error;
    // Warm up the server (first-use allocations) before measuring.
    {
        auto c = net::BlockingClient::connect(url);
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send("[\"REQ\",\"warm\",{}]"));
        ASSERT_TRUE(c->receive(20s));
    }
    const long rss0 = rss_kib(pid);
    auto one = [&](int i) -> asio::awaitable<void> {
        net::ClientOptions o;
        o.connect_timeout = o.handshake_timeout = 60s;
        auto c = co_await net::Client::connect(ioc.get_executor(), url, o);
        if (c) {
            // No co_await inside ?: here: gcc 12 then destroys a temporary twice.
            std::string error;
            auto w = co_await (*c)->write("[\"REQ\",\"s" + std::to_string(i) + "\",{}]");
            if (w) {
                auto r = co_await (*c)->read();
                if (r) {
                    clients[i] = std::move(*c);
                    ++ready;
                    co_return;
                }
                error = r.error().message;
            } else {
                error = w.error().message;
            }
            if (first_error.empty()) first_error = error;
        } else if (first_error.empty()) {
            first_error = c.error().message;
        }
        ++failed;
    };
    for (int i = 0; i < kSessions; ++i) asio::co_spawn(ioc, one(i), asio::detached);
    auto until = std::chrono::steady_clock::now() + 120s;
    while (ready + failed < kSessions && std::chrono::steady_clock::now() < until)
        ioc.run_one_for(std::chrono::milliseconds(100));
    ASSERT_EQ(ready, kSessions) << failed << " failed; first error: " << first_error;

    const long rss1 = rss_kib(pid);
    std::printf("server RSS: %ld KiB idle, %ld KiB with %d wsn sessions: %.1f KiB per session\n", rss0, rss1,
                kSessions, double(rss1 - rss0) / kSessions);
#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer's redzones and quarantine inflate memory
    EXPECT_LT(double(rss1 - rss0) * 1024 / kSessions, 20000.0) << "per-session memory above the 20 KB goal";
#endif

    int closed = 0;
    for (auto& c : clients)
        asio::co_spawn(
            ioc,
            [](net::Client& cl, int& n) -> asio::awaitable<void> {
                co_await cl.close();
                ++n;
            }(*c, closed),
            asio::detached);
    until = std::chrono::steady_clock::now() + 60s;
    ioc.restart();  // it stopped when the last connect finished and nothing was pending
    while (closed < kSessions && std::chrono::steady_clock::now() < until) ioc.run_one_for(100ms);
    EXPECT_EQ(closed, kSessions);
}

// Several I/O threads (sessions on strands): every session gets exactly its own
// messages back, in order, while all run at once.
TEST(NetMany, SessionsOnSeveralIoThreadsKeepTheirOrder) {
    constexpr int kClients = 100, kMessages = 20;
    auto relay = crypto::SecretKey::generate();
    auto [pid, port] = fork_server(relay, 2);
    ASSERT_GT(pid, 0);
    ASSERT_NE(port, 0);
    Reap reap{pid};
    const std::string url = "wsn://" + nostr::encode_npub(relay.xonly_pubkey()) + "@127.0.0.1:" + std::to_string(port);
    asio::io_context ioc;
    int good = 0, done = 0;
    std::string first_error;
    auto one = [&](int i) -> asio::awaitable<void> {
        std::string error;
        auto c = co_await net::Client::connect(ioc.get_executor(), url);
        if (!c) error = c.error().message;
        for (int m = 0; c && error.empty() && m < kMessages; ++m) {
            const std::string text = "[\"REQ\",\"c" + std::to_string(i) + "-" + std::to_string(m) + "\",{}]";
            auto w = co_await (*c)->write(text);
            if (!w) {
                error = w.error().message;
                break;
            }
            auto r = co_await (*c)->read();
            if (!r) error = r.error().message;
            else if (*r != text) error = "got " + *r + " instead of " + text;
        }
        if (c) co_await (*c)->close();
        if (error.empty()) ++good;
        else if (first_error.empty()) first_error = error;
        ++done;
    };
    for (int i = 0; i < kClients; ++i) asio::co_spawn(ioc, one(i), asio::detached);
    auto until = std::chrono::steady_clock::now() + 60s;
    while (done < kClients && std::chrono::steady_clock::now() < until) {
        if (ioc.stopped()) ioc.restart();
        ioc.run_one_for(100ms);
    }
    EXPECT_EQ(good, kClients) << first_error;
}

}  // namespace
}  // namespace wsn::test
