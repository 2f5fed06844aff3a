// Side by side: wsn vs wsns vs wss (TLS 1.3) vs ws against one server in one run.
// The server runs on one I/O thread, the load generator on another; the server
// thread's CPU time gives rates per server core, independent of the generator's load.
//
//   transport_bench [--seconds N] [--conns N] [--window N] [--only wsn|wsns|wss|ws]
//
// Handshakes: each connection is opened, carries one small message each way, and is
// closed. Messages: 1 KiB NIP-01-sized texts echoed by the server, several in flight.
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "nostr/nip19.hpp"
#include "support/self_signed.hpp"
#include "wsn/net/client.hpp"
#include "wsn/net/server.hpp"

namespace asio = boost::asio;
using namespace wsn;
using namespace std::chrono_literals;

namespace {

double thread_cpu_seconds(pthread_t t) {
    clockid_t cid;
    timespec ts{};
    if (pthread_getcpuclockid(t, &cid) != 0 || clock_gettime(cid, &ts) != 0) return 0;
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

struct Figures {
    double per_wall = 0, per_server_cpu = 0;
    uint64_t count = 0, failures = 0;
    std::string first_error;
};

struct Bench {
    net::Server* server = nullptr;
    pthread_t server_thread{};
    double seconds = 3;
    int conns = 16;
    int window = 16;
    net::ClientOptions copts;

    // Runs `worker` in `conns` coroutines for the duration; returns counted units.
    template <class Worker>
    Figures run(Worker worker) {
        asio::io_context ioc;
        std::atomic<bool> stop{false};
        Figures f;
        auto t0 = std::chrono::steady_clock::now();
        double cpu0 = thread_cpu_seconds(server_thread);
        for (int i = 0; i < conns; ++i) asio::co_spawn(ioc, worker(ioc, stop, f), asio::detached);
        asio::steady_timer timer(ioc, std::chrono::milliseconds(int64_t(seconds * 1000)));
        timer.async_wait([&](auto) { stop = true; });
        ioc.run();
        double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double cpu = thread_cpu_seconds(server_thread) - cpu0;
        f.per_wall = f.count / wall;
        f.per_server_cpu = cpu > 0 ? f.count / cpu : 0;
        return f;
    }

    Figures handshakes(const std::string& url) {
        return run([&](asio::io_context& ioc, std::atomic<bool>& stop, Figures& f) -> asio::awaitable<void> {
            while (!stop) {
                auto c = co_await net::Client::connect(ioc.get_executor(), url, copts);
                if (!c) {
                    if (f.first_error.empty()) f.first_error = c.error().message;
                    ++f.failures;
                    continue;
                }
                // Not `w ? co_await … : …`: gcc 12 then destroys a temporary twice.
                bool ok = bool(co_await (*c)->write(R"(["REQ","b",{"limit":1}])"));
                if (ok) ok = bool(co_await (*c)->read());
                co_await (*c)->close();
                if (ok) ++f.count;
                else ++f.failures;
            }
        });
    }

    // Keeps `window` messages in flight; the reader wakes it when one comes back.
    asio::awaitable<void> writer(net::Client& cl, const std::string& msg, std::atomic<bool>& stop, int& in_flight,
                                 asio::steady_timer& wake, bool& done) {
        while (!stop) {
            if (in_flight >= window) {
                wake.expires_after(1h);
                boost::system::error_code ec;
                co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            ++in_flight;
            if (!co_await cl.write(msg)) break;
        }
        done = true;
    }

    Figures messages(const std::string& url) {
        const std::string msg = R"(["EVENT",{"content":")" + std::string(1024 - 27, 'x') + R"("}])";
        return run([&, msg](asio::io_context& ioc, std::atomic<bool>& stop, Figures& f) -> asio::awaitable<void> {
            auto c = co_await net::Client::connect(ioc.get_executor(), url, copts);
            if (!c) {
                if (f.first_error.empty()) f.first_error = c.error().message;
                ++f.failures;
                co_return;
            }
            auto& cl = **c;
            int in_flight = 0;
            asio::steady_timer wake(ioc);
            bool writer_done = false;
            asio::co_spawn(ioc, writer(cl, msg, stop, in_flight, wake, writer_done), asio::detached);
            while (!(stop && in_flight == 0)) {
                auto r = co_await cl.read();
                if (!r) break;
                --in_flight;
                ++f.count;
                wake.cancel();
            }
            while (!writer_done) {
                wake.cancel();
                asio::steady_timer t(ioc, 1ms);
                co_await t.async_wait(asio::use_awaitable);
            }
            co_await cl.close();
        });
    }
};

}  // namespace

int main(int argc, char** argv) {
    Bench b;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--seconds")) b.seconds = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--conns")) b.conns = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--window")) b.window = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--only")) only = argv[i + 1];
    }
    char dir[] = "/tmp/wsn-bench-XXXXXX";
    if (!::mkdtemp(dir)) return 1;
    const std::string cert = std::string(dir) + "/cert.pem", key = std::string(dir) + "/key.pem";
    if (auto s = test::generate_self_signed_cert(cert, key); !s) {
        std::fprintf(stderr, "%s\n", s.error().message.c_str());
        return 1;
    }

    auto relay = crypto::SecretKey::generate();
    net::ServerOptions o;
    o.key = relay;
    o.listen = {{"127.0.0.1", 0, false}, {"127.0.0.1", 0, true}};
    o.tls_cert_file = cert;
    o.tls_key_file = key;
    net::Server* srv = nullptr;
    net::ServerHandler h;
    h.on_message = [&](uint64_t s, std::string t) { srv->send(s, std::move(t)); };
    net::Server server(o, h);
    srv = &server;
    if (auto s = server.start(); !s) {
        std::fprintf(stderr, "%s\n", s.error().message.c_str());
        return 1;
    }
    std::thread st([&] { server.run(); });
    b.server = &server;
    b.server_thread = st.native_handle();
    b.copts.verify_tls = false;

    const std::string plain = std::to_string(server.bound()[0].port);
    const std::string tls = std::to_string(server.bound()[1].port);
    const std::string npub = nostr::encode_npub(relay.xonly_pubkey());
    struct Row {
        const char* name;
        std::string url;
    } rows[] = {{"wsn", "wsn://" + npub + "@127.0.0.1:" + plain},
                {"wsns", "wsns://" + npub + "@127.0.0.1:" + tls},
                {"wss", "wss://127.0.0.1:" + tls},
                {"ws", "ws://127.0.0.1:" + plain}};

    std::printf("transport_bench: %.1f s per cell, %d connections, window %d, 1 server I/O thread\n", b.seconds,
                b.conns, b.window);
    std::printf("%-5s %14s %18s %14s %18s\n", "", "handshakes/s", "hs/s per srv core", "1KiB msgs/s",
                "msgs/s per srv core");
    for (auto& r : rows) {
        if (!only.empty() && only != r.name) continue;
        auto hs = b.handshakes(r.url);
        auto ms = b.messages(r.url);
        std::printf("%-5s %14.0f %18.0f %14.0f %18.0f", r.name, hs.per_wall, hs.per_server_cpu, ms.per_wall,
                    ms.per_server_cpu);
        if (hs.failures + ms.failures)
            std::printf("   (%lu failures: %s)", (unsigned long)(hs.failures + ms.failures),
                        (hs.first_error + ms.first_error).c_str());
        std::printf("\n");
        std::fflush(stdout);
    }
    server.stop();
    st.join();
    std::remove(cert.c_str());
    std::remove(key.c_str());
    ::rmdir(dir);
    return 0;
}
