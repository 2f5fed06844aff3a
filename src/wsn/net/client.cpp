// Client::connect and the connection's reads and writes. The WebSocket stream (plain
// or TLS) hides behind Link so the protocol logic here is written once.
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include "wsn/net/client.hpp"

#include <map>
#include <mutex>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "nostr/nip19.hpp"
#include "wsn/connection.hpp"
#include "wsn/net/close_frame.hpp"
#include "wsn/net/socks5.hpp"
#include "wsn/net/subprotocol.hpp"

namespace wsn::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::chrono::seconds kCloseGrace{5};

// One WebSocket over plain TCP or TLS.
class Link {
public:
    virtual ~Link() = default;
    virtual tcp::socket& socket() = 0;
    virtual awaitable<void> tls_handshake(const Host& host, error_code& ec) = 0;
    virtual awaitable<void> upgrade(const std::string& host, const std::string& target, bool offer_wsn,
                                    websocket::response_type& res, error_code& ec) = 0;
    virtual awaitable<void> read(beast::flat_buffer& buf, error_code& ec) = 0;
    virtual awaitable<void> write(std::string_view bytes, error_code& ec) = 0;
    virtual awaitable<void> close(uint16_t code, std::string_view reason, error_code& ec) = 0;
    virtual bool got_binary() const = 0;
    virtual void set_binary(bool b) = 0;
    virtual void read_message_max(size_t n) = 0;
    virtual websocket::close_reason reason() const = 0;
};

template <class Stream>
class LinkImpl final : public Link {
public:
    template <class... Args>
    explicit LinkImpl(Args&&... args) : ws_(std::forward<Args>(args)...) {}

    tcp::socket& socket() override { return beast::get_lowest_layer(ws_).socket(); }

    awaitable<void> tls_handshake(const Host& host, error_code& ec) override {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            co_return;
        } else {
            SSL* ssl = ws_.next_layer().native_handle();
            if (host.kind == HostKind::dns || host.kind == HostKind::onion) {
                SSL_set_tlsext_host_name(ssl, host.name.c_str());
                SSL_set1_host(ssl, host.name.c_str());  // checked only when verification is on
            } else {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.name.c_str());
            }
            co_await ws_.next_layer().async_handshake(asio::ssl::stream_base::client,
                                                      asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    awaitable<void> upgrade(const std::string& host, const std::string& target, bool offer_wsn,
                            websocket::response_type& res, error_code& ec) override {
        ws_.set_option(websocket::stream_base::decorator([offer_wsn](websocket::request_type& req) {
            req.set(http::field::user_agent, "wsn");
            if (offer_wsn) req.set(http::field::sec_websocket_protocol, std::string(kWsnSubprotocol));
        }));
        co_await ws_.async_handshake(res, host, target, asio::redirect_error(asio::use_awaitable, ec));
    }
    awaitable<void> read(beast::flat_buffer& buf, error_code& ec) override {
        co_await ws_.async_read(buf, asio::redirect_error(asio::use_awaitable, ec));
    }
    awaitable<void> write(std::string_view bytes, error_code& ec) override {
        co_await ws_.async_write(asio::buffer(bytes.data(), bytes.size()),
                                 asio::redirect_error(asio::use_awaitable, ec));
    }
    awaitable<void> close(uint16_t code, std::string_view reason, error_code& ec) override {
        co_await ws_.async_close(detail::close_frame(code, reason), asio::redirect_error(asio::use_awaitable, ec));
    }
    bool got_binary() const override { return ws_.got_binary(); }
    void set_binary(bool b) override { ws_.binary(b); }
    void read_message_max(size_t n) override { ws_.read_message_max(n); }
    websocket::close_reason reason() const override { return ws_.reason(); }

    websocket::stream<Stream, false> ws_;
};

// TLS contexts are costly to build (the CA store), so one per configuration is kept.
asio::ssl::context& tls_context(bool verify, const std::string& ca_file, Status& status) {
    static std::mutex mu;
    static std::map<std::pair<bool, std::string>, std::unique_ptr<asio::ssl::context>> cache;
    std::lock_guard lock(mu);
    auto& slot = cache[{verify, ca_file}];
    if (!slot) {
        auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
        ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
        error_code ec;
        if (verify) {
            ctx->set_default_verify_paths(ec);
            if (!ca_file.empty()) ctx->load_verify_file(ca_file, ec);
            if (ec) {
                status = err("cannot load TLS trust file " + ca_file + ": " + ec.message());
                cache.erase({verify, ca_file});
                static asio::ssl::context dummy(asio::ssl::context::tls_client);
                return dummy;
            }
            ctx->set_verify_mode(asio::ssl::verify_peer);
        } else {
            ctx->set_verify_mode(asio::ssl::verify_none);
        }
        slot = std::move(ctx);
    }
    return *slot;
}

std::string host_port(const Host& h, uint16_t port) {
    return (h.kind == HostKind::ipv6 ? "[" + h.name + "]" : h.name) + ":" + std::to_string(port);
}

// Closes the socket when a phase takes too long; `fired` tells the phase's error apart.
// The action never runs once the Deadline is gone (it refers to the phase's objects).
class Deadline {
public:
    Deadline(asio::any_io_executor ex, std::chrono::milliseconds d, std::function<void()> on_fire)
        : timer_(ex, d), state_(std::make_shared<State>()) {
        timer_.async_wait([st = state_, f = std::move(on_fire)](error_code ec) {
            if (ec || !st->armed) return;
            st->fired = true;
            f();
        });
    }
    ~Deadline() {
        state_->armed = false;
        timer_.cancel();
    }
    bool fired() const { return state_->fired; }

private:
    struct State {
        bool armed = true, fired = false;
    };
    asio::steady_timer timer_;
    std::shared_ptr<State> state_;
};

Result<std::pair<Host, uint16_t>> parse_proxy(const std::string& s) {
    size_t colon = s.rfind(':');
    if (colon == std::string::npos) return err("SOCKS5 proxy '" + s + "': expected HOST:PORT");
    auto host = parse_host(s.substr(0, colon));
    if (!host) return err("SOCKS5 proxy '" + s + "': " + host.error().message);
    auto port = parse_port(s.substr(colon + 1));
    if (!port) return err("SOCKS5 proxy '" + s + "': " + port.error().message);
    return std::pair{*host, *port};
}

// Resolves and connects within the deadline; errors name the target as the user wrote it.
awaitable<Status> dial(tcp::socket& sock, const Host& host, uint16_t port, const std::string& what,
                       std::chrono::milliseconds timeout) {
    auto ex = sock.get_executor();
    tcp::resolver resolver(ex);
    Deadline deadline(ex, timeout, [&] {
        resolver.cancel();
        error_code ignore;
        sock.close(ignore);
    });
    error_code ec;
    auto tok = asio::redirect_error(asio::use_awaitable, ec);
    auto flags = host.kind == HostKind::dns || host.kind == HostKind::onion ? tcp::resolver::flags()
                                                                              : tcp::resolver::numeric_host;
    auto endpoints = co_await resolver.async_resolve(host.name, std::to_string(port), flags, tok);
    if (deadline.fired()) co_return err("timed out connecting to " + what + " (name resolution)");
    if (ec) co_return err("name resolution failed for " + host.name + ": " + ec.message());
    co_await asio::async_connect(sock, endpoints, tok);
    if (deadline.fired()) co_return err("timed out connecting to " + what);
    if (ec == asio::error::connection_refused) co_return err("connection refused by " + what);
    if (ec) co_return err("cannot connect to " + what + ": " + ec.message());
    sock.set_option(tcp::no_delay(true), ec);
    co_return Ok{};
}

std::string describe(const CloseInfo& c) {
    if (!c.code) return "connection closed";
    return "connection closed (code " + std::to_string(c.code) + (c.reason.empty() ? "" : ": " + c.reason) + ")";
}

}  // namespace

struct Client::Impl {
    Address addr;
    ClientOptions opts;
    std::unique_ptr<Link> link;
    std::optional<wsn::Connection> conn;  // wsn and wsns
    bool act_three_due = false;           // written with the first message (or the close)
    beast::flat_buffer buf;
    std::optional<CloseInfo> closed;
    asio::any_io_executor ex;

    std::string target() const { return host_port(addr.host, addr.port); }

    // Writes what the connection has queued (act three, sealed messages), in order.
    awaitable<void> write_outgoing(error_code& ec) {
        for (auto& m : conn->take_outgoing()) {
            co_await link->write({reinterpret_cast<const char*>(m.data()), m.size()}, ec);
            if (ec) co_return;
        }
        act_three_due = false;
    }

    // Ends the connection locally after a protocol failure (the close frame says why).
    awaitable<void> fail_close(uint16_t code, const std::string& reason) {
        if (closed) co_return;
        closed = CloseInfo{code, reason};
        co_await close_link(code, reason);
    }
    awaitable<void> close_link(uint16_t code, const std::string& reason) {
        Deadline deadline(ex, kCloseGrace, [this] {
            error_code ignore;
            link->socket().close(ignore);
        });
        error_code ec;
        co_await link->close(code, reason, ec);
    }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;
const Address& Client::address() const { return impl_->addr; }
const std::optional<CloseInfo>& Client::close_info() const { return impl_->closed; }
asio::any_io_executor Client::get_executor() const { return impl_->ex; }

awaitable<Result<std::unique_ptr<Client>>> Client::connect(asio::any_io_executor ex, std::string_view url,
                                                           ClientOptions opts) {
    auto addr = parse_relay_url(url);
    if (!addr) co_return addr.error();
    auto im = std::make_unique<Impl>();
    im->addr = *addr;
    im->opts = std::move(opts);
    im->ex = ex;
    const std::string what = im->target();
    const bool wsn = im->addr.key.has_value();

    if (im->addr.tls()) {
        Status st = Ok{};
        auto& ctx = tls_context(im->addr.scheme == Scheme::wss && im->opts.verify_tls, im->opts.tls_ca_file, st);
        if (!st) co_return st.error();
        im->link = std::make_unique<LinkImpl<beast::ssl_stream<beast::tcp_stream>>>(ex, ctx);
    } else {
        im->link = std::make_unique<LinkImpl<beast::tcp_stream>>(ex);
    }
    tcp::socket& sock = im->link->socket();

    // TCP, directly or through the proxy (which then resolves the name).
    if (im->opts.socks5_proxy.empty()) {
        if (auto s = co_await dial(sock, im->addr.host, im->addr.port, what, im->opts.connect_timeout); !s)
            co_return s.error();
    } else {
        auto proxy = parse_proxy(im->opts.socks5_proxy);
        if (!proxy) co_return proxy.error();
        const std::string pname = host_port(proxy->first, proxy->second);
        if (auto s = co_await dial(sock, proxy->first, proxy->second, "SOCKS5 proxy " + pname,
                                   im->opts.connect_timeout);
            !s)
            co_return s.error();
        Deadline deadline(ex, im->opts.connect_timeout, [&] {
            error_code ignore;
            sock.close(ignore);
        });
        auto s = co_await detail::socks5_connect(sock, im->addr.host, im->addr.port, what, pname);
        if (deadline.fired()) co_return err("timed out connecting to " + what + " through SOCKS5 proxy " + pname);
        if (!s) co_return s.error();
    }

    // TLS, the upgrade and the wsn acts share one deadline.
    Deadline deadline(ex, im->opts.handshake_timeout, [&] {
        error_code ignore;
        sock.close(ignore);
    });
    auto timed_out = [&] { return err("timed out in the handshake with " + what); };
    error_code ec;
    co_await im->link->tls_handshake(im->addr.host, ec);
    if (deadline.fired()) co_return timed_out();
    if (ec) co_return err("TLS handshake with " + what + " failed: " + ec.message());

    websocket::response_type res;
    const std::string host_header = host_port(im->addr.host, im->addr.port);
    co_await im->link->upgrade(host_header, im->addr.path, wsn, res, ec);
    if (deadline.fired()) co_return timed_out();
    if (ec == websocket::error::upgrade_declined)
        co_return err(what + " refused the WebSocket upgrade (HTTP " + std::to_string(res.result_int()) + ")");
    if (ec) co_return err("WebSocket upgrade with " + what + " failed: " + ec.message());

    if (!wsn) {
        im->link->read_message_max(im->opts.max_message_bytes);
        co_return std::unique_ptr<Client>(new Client(std::move(im)));
    }
    auto selected = res[http::field::sec_websocket_protocol];
    if (std::string_view(selected.data(), selected.size()) != kWsnSubprotocol)
        co_return err("server does not speak wsn (it did not select wsn.v1)");

    noise::StaticKey local(im->opts.key ? *im->opts.key : crypto::SecretKey::generate());
    auto conn = wsn::Connection::client(local, *im->addr.key, im->opts.max_message_bytes);
    if (!conn) co_return conn.error();
    im->conn.emplace(std::move(*conn));
    im->link->set_binary(true);
    im->link->read_message_max(noise::kActTwoSize);
    co_await im->write_outgoing(ec);  // act one
    if (deadline.fired()) co_return timed_out();
    if (ec) co_return err("connection to " + what + " failed during the handshake: " + ec.message());
    co_await im->link->read(im->buf, ec);
    if (deadline.fired()) co_return timed_out();
    const std::string wrong_key = "relay failed to prove it holds " + nostr::encode_npub(*im->addr.key) +
                                  " — wrong key, or someone in between";
    if (ec) {
        if (ec == websocket::error::closed || ec == websocket::error::message_too_big ||
            ec == asio::error::eof || ec == asio::error::connection_reset)
            co_return err(wrong_key);  // XK: a relay without the key cannot even read act one
        co_return err("connection to " + what + " failed during the handshake: " + ec.message());
    }
    auto data = im->buf.cdata();
    im->conn->receive({static_cast<const uint8_t*>(data.data()), data.size()}, im->link->got_binary());
    im->buf.consume(im->buf.size());
    auto ev = im->conn->next_event();
    if (!ev || !std::holds_alternative<wsn::HandshakeDone>(*ev)) {
        // Nothing more is sent: not act three, not a close frame.
        error_code ignore;
        sock.close(ignore);
        co_return err(wrong_key);
    }
    im->act_three_due = true;
    im->link->read_message_max(im->conn->max_payload());
    co_return std::unique_ptr<Client>(new Client(std::move(im)));
}

awaitable<Result<std::string>> Client::read() {
    auto& im = *impl_;
    for (;;) {
        if (im.closed) co_return err(describe(*im.closed));
        error_code ec;
        co_await im.link->read(im.buf, ec);
        if (ec) {
            if (!im.closed) {
                auto r = im.link->reason();
                im.closed = CloseInfo{r.code, std::string(r.reason.data(), r.reason.size())};
                if (ec == websocket::error::message_too_big) im.closed = CloseInfo{1009, "message too big"};
            }
            continue;
        }
        auto data = im.buf.cdata();
        if (!im.conn) {
            std::string text(static_cast<const char*>(data.data()), data.size());
            im.buf.consume(im.buf.size());
            co_return text;
        }
        im.conn->receive({static_cast<const uint8_t*>(data.data()), data.size()}, im.link->got_binary());
        im.buf.consume(im.buf.size());
        while (auto ev = im.conn->next_event()) {
            if (auto* m = std::get_if<wsn::Message>(&*ev)) co_return std::string(m->text());
            if (auto* e = std::get_if<wsn::ProtocolError>(&*ev)) co_await im.fail_close(uint16_t(e->code), "wsn: " + e->reason);
        }
    }
}

awaitable<Status> Client::write(std::string text) {
    auto& im = *impl_;
    if (im.closed) co_return err("connection closed");
    if (text.empty()) co_return err("empty message (a NIP-01 message is never empty)");
    error_code ec;
    if (!im.conn) {
        co_await im.link->write(text, ec);
    } else {
        if (auto s = im.conn->send(text); !s) co_return s.error();
        co_await im.write_outgoing(ec);  // act three first if still due
    }
    if (ec) co_return err("write to " + im.target() + " failed: " + ec.message());
    co_return Ok{};
}

awaitable<void> Client::close(uint16_t code, std::string reason) {
    auto& im = *impl_;
    if (im.closed) co_return;
    im.closed = CloseInfo{code, reason};
    error_code ec;
    if (im.act_three_due) co_await im.write_outgoing(ec);
    co_await im.close_link(code, reason);
}

}  // namespace wsn::net
