#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include "net/net_support.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "support/self_signed.hpp"

namespace wsn::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!cond()) {
        if (std::chrono::steady_clock::now() > until) return cond();
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

bool ipv6_loopback_available() {
    asio::io_context ioc;
    tcp::acceptor a(ioc);
    boost::system::error_code ec;
    a.open(tcp::v6(), ec);
    if (!ec) a.bind(tcp::endpoint(asio::ip::address_v6::loopback(), 0), ec);
    return !ec;
}

uint16_t free_port() {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    return a.local_endpoint().port();
}

TempDir::TempDir() {
    char tmpl[] = "/tmp/wsn-net-test-XXXXXX";
    path = ::mkdtemp(tmpl);
}
TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

// ---------------------------------------------------------------------------- server

TestServer::TestServer(net::ServerOptions opts, bool echo) {
    net::ServerHandler h;
    h.on_open = [this](const net::SessionInfo& info) {
        std::lock_guard l(mu_);
        opened_.push_back(info);
    };
    h.on_message = [this, echo](uint64_t s, std::string text) {
        {
            std::lock_guard l(mu_);
            messages_.push_back({s, text});
        }
        if (echo) server_->send(s, "ECHO:" + text);
    };
    h.on_close = [this](uint64_t s) {
        std::lock_guard l(mu_);
        closed_.push_back(s);
    };
    h.on_http = [](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
        if (r.accept.find("application/nostr+json") != std::string::npos)
            return net::HttpResponse{200, "application/nostr+json", R"({"name":"test relay"})", {}};
        if (r.target == "/metrics") return net::HttpResponse{200, "text/plain", "wsn_sessions 0\n", {}};
        return std::nullopt;
    };
    server_ = std::make_unique<net::Server>(std::move(opts), std::move(h));
    auto st = server_->start();
    if (!st) throw std::runtime_error(st.error().message);
    bound_ = server_->bound();
    thread_ = std::thread([this] { server_->run(); });
}

TestServer::~TestServer() {
    server_->stop();
    thread_.join();
}

std::vector<net::SessionInfo> TestServer::opened() {
    std::lock_guard l(mu_);
    return opened_;
}
std::vector<TestServer::Event> TestServer::messages() {
    std::lock_guard l(mu_);
    return messages_;
}
std::vector<uint64_t> TestServer::closed() {
    std::lock_guard l(mu_);
    return closed_;
}

net::ServerOptions local_options(const crypto::SecretKey& key, std::string host) {
    net::ServerOptions o;
    o.key = key;
    o.listen.push_back({host, 0, false});
    o.listen.push_back({host, 0, true});
    o.tls_cert_file = test_cert().cert;
    o.tls_key_file = test_cert().key;
    return o;
}

const TestCert& test_cert() {
    static TempDir dir;
    static TestCert cert = [] {
        TestCert c{dir.path + "/cert.pem", dir.path + "/key.pem"};
        auto st = generate_self_signed_cert(c.cert, c.key);
        if (!st) throw std::runtime_error(st.error().message);
        return c;
    }();
    return cert;
}

// ----------------------------------------------------------------------------- proxy

struct RecordingProxy::Impl {
    asio::io_context ioc;
    tcp::acceptor acc{ioc, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
    std::string host;
    uint16_t target_port;
    Tamper tamper;
    std::mutex mu;
    std::string c2s, s2c;
    std::thread thread;

    asio::awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to, bool upstream) {
        boost::system::error_code ec;
        auto tok = asio::redirect_error(asio::use_awaitable, ec);
        std::string so_far;
        char buf[16384];
        for (;;) {
            size_t n = co_await from->async_read_some(asio::buffer(buf), tok);
            if (ec) break;
            std::string chunk(buf, n);
            if (tamper) tamper(upstream, so_far, chunk);
            so_far += chunk;
            {
                std::lock_guard l(mu);
                (upstream ? c2s : s2c) += chunk;
            }
            co_await asio::async_write(*to, asio::buffer(chunk), tok);
            if (ec) break;
        }
        boost::system::error_code ignore;
        to->shutdown(tcp::socket::shutdown_send, ignore);
        from->close(ignore);
    }

    asio::awaitable<void> accept_loop() {
        boost::system::error_code ec;
        auto tok = asio::redirect_error(asio::use_awaitable, ec);
        for (;;) {
            auto client = std::make_shared<tcp::socket>(co_await acc.async_accept(tok));
            if (ec) co_return;
            auto server = std::make_shared<tcp::socket>(ioc);
            tcp::resolver r(ioc);
            co_await asio::async_connect(*server, r.resolve(host, std::to_string(target_port)), tok);
            if (ec) continue;
            asio::co_spawn(ioc, pump(client, server, true), asio::detached);
            asio::co_spawn(ioc, pump(server, client, false), asio::detached);
        }
    }
};

RecordingProxy::RecordingProxy(std::string target_host, uint16_t target_port, Tamper tamper)
    : impl_(std::make_unique<Impl>()) {
    impl_->host = std::move(target_host);
    impl_->target_port = target_port;
    impl_->tamper = std::move(tamper);
    port_ = impl_->acc.local_endpoint().port();
    asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
    impl_->thread = std::thread([im = impl_.get()] { im->ioc.run(); });
}
RecordingProxy::~RecordingProxy() {
    impl_->ioc.stop();
    impl_->thread.join();
}
std::string RecordingProxy::client_to_server() {
    std::lock_guard l(impl_->mu);
    return impl_->c2s;
}
std::string RecordingProxy::server_to_client() {
    std::lock_guard l(impl_->mu);
    return impl_->s2c;
}

std::vector<RawFrame> parse_client_frames(const std::string& s) {
    std::vector<RawFrame> out;
    size_t p = s.find("\r\n\r\n");
    if (p == std::string::npos) return out;
    p += 4;
    auto byte = [&](size_t i) { return uint8_t(s[i]); };
    while (p + 2 <= s.size()) {
        uint8_t op = byte(p) & 0x0f;
        bool masked = byte(p + 1) & 0x80;
        uint64_t len = byte(p + 1) & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (p + 4 > s.size()) break;
            len = (uint64_t(byte(p + 2)) << 8) | byte(p + 3);
            h = 4;
        } else if (len == 127) {
            if (p + 10 > s.size()) break;
            len = 0;
            for (int i = 0; i < 8; ++i) len = (len << 8) | byte(p + 2 + i);
            h = 10;
        }
        size_t mask_at = p + h;
        if (masked) h += 4;
        if (p + h + len > s.size()) break;
        RawFrame f{op, p + h, size_t(len), s.substr(p + h, len)};
        if (masked)
            for (size_t i = 0; i < len; ++i) f.payload[i] = char(f.payload[i] ^ s[mask_at + (i % 4)]);
        out.push_back(std::move(f));
        p += h + len;
    }
    return out;
}

// ------------------------------------------------------------------------------ raw ws

struct RawWs::Impl {
    asio::io_context ioc;
    websocket::stream<beast::tcp_stream> ws{ioc};
    std::string protocol;
    bool ended = false;

    template <class Op>
    bool run(Op&& start, std::chrono::milliseconds timeout) {
        bool done = false;
        start(done);
        auto until = std::chrono::steady_clock::now() + timeout;
        while (!done && std::chrono::steady_clock::now() < until) {
            if (ioc.stopped()) ioc.restart();
            ioc.run_one_until(until);
        }
        return done;
    }
};

RawWs::RawWs(uint16_t port, bool offer_wsn, std::string host) : impl_(std::make_unique<Impl>()) {
    tcp::resolver r(impl_->ioc);
    beast::get_lowest_layer(impl_->ws).connect(r.resolve(host, std::to_string(port)));
    impl_->ws.set_option(websocket::stream_base::decorator([offer_wsn](websocket::request_type& req) {
        if (offer_wsn) req.set(beast::http::field::sec_websocket_protocol, "wsn.v1");
    }));
    websocket::response_type res;
    impl_->ws.handshake(res, host + ":" + std::to_string(port), "/");
    auto p = res[beast::http::field::sec_websocket_protocol];
    impl_->protocol = std::string(p.data(), p.size());
}
RawWs::~RawWs() = default;
std::string RawWs::selected_protocol() const { return impl_->protocol; }

void RawWs::send_binary(const std::string& bytes) {
    boost::system::error_code ec;
    impl_->ws.binary(true);
    impl_->ws.write(asio::buffer(bytes), ec);
}
void RawWs::send_text(const std::string& text) {
    boost::system::error_code ec;
    impl_->ws.text(true);
    impl_->ws.write(asio::buffer(text), ec);
}

std::optional<std::string> RawWs::receive(std::chrono::milliseconds timeout) {
    if (impl_->ended) return std::nullopt;
    beast::flat_buffer buf;
    boost::system::error_code ec;
    bool ok = impl_->run(
        [&](bool& done) {
            impl_->ws.async_read(buf, [&](boost::system::error_code e, size_t) {
                ec = e;
                done = true;
            });
        },
        timeout);
    if (!ok) {
        beast::get_lowest_layer(impl_->ws).close();
        impl_->run([](bool& done) { done = false; }, 1s);  // let the read finish
        impl_->ended = true;
        return std::nullopt;
    }
    if (ec) {
        impl_->ended = true;
        return std::nullopt;
    }
    return beast::buffers_to_string(buf.data());
}
uint16_t RawWs::close_code() const { return impl_->ws.reason().code; }
std::string RawWs::close_reason() const {
    auto& r = impl_->ws.reason().reason;
    return std::string(r.data(), r.size());
}

// ------------------------------------------------------------------------- processes

Child::Child(std::vector<std::string> argv) {
    pid_ = ::fork();
    if (pid_ == 0) {
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
}
Child::~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(10ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
}
bool Child::running() { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

bool wait_port(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
    return wait_for(
        [&] {
            asio::io_context ioc;
            tcp::socket s(ioc);
            boost::system::error_code ec;
            s.connect(tcp::endpoint(asio::ip::make_address(host), port), ec);
            return !ec;
        },
        timeout);
}

std::string http_get(uint16_t port, const std::string& target, const std::string& accept) {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\n\r\n";
    asio::write(s, asio::buffer(req));
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
        size_t n = s.read_some(asio::buffer(buf), ec);
        if (ec) break;
        out.append(buf, n);
    }
    return out;
}

long rss_kib(int pid) {
    std::ifstream f(pid ? "/proc/" + std::to_string(pid) + "/status" : std::string("/proc/self/status"));
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

}  // namespace wsn::test
