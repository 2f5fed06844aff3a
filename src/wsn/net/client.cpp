// Client::connect and the connection's reads and writes. The WebSocket stream (plain
// or TLS) hides behind Link so the protocol logic here is written once.
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include "wsn/net/client.hpp"
#include "wsn/net/resolver.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "nostr/nip19.hpp"
#include "wsn/connection.hpp"
#include "wsn/net/close_frame.hpp"
#include "wsn/net/dial.hpp"
#include "wsn/net/subprotocol.hpp"
#include "wsn/net/tls_client.hpp"
#include "wsn/net/wsn_pump.hpp"

namespace wsn::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using detail::Deadline;

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
            detail::set_tls_peer(ws_.next_layer().native_handle(), host);
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

    std::string target() const { return format_host_port(addr.host.name, addr.port); }

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
void Client::abort() {
    if (!impl_->closed) impl_->closed = CloseInfo{0, "aborted"};
    error_code ignore;
    impl_->link->socket().close(ignore);
}
const std::optional<CloseInfo>& Client::close_info() const { return impl_->closed; }
asio::any_io_executor Client::get_executor() const { return impl_->ex; }

awaitable<Result<std::unique_ptr<Client>>> Client::connect(asio::any_io_executor ex, std::string_view url,
                                                           ClientOptions opts) {
    auto addr = parse_relay_url(url);
    if (!addr) co_return addr.error();
    if (addr->key && opts.resolver) {
        auto r = std::move(opts.resolver);
        co_return co_await r->connect(ex, std::move(*addr), std::move(opts));
    }
    if (addr->key_only()) co_return err(unresolved_error(*addr));
    auto im = std::make_unique<Impl>();
    im->addr = *addr;
    im->opts = std::move(opts);
    im->ex = ex;
    const std::string what = im->target();
    const bool wsn = im->addr.key.has_value();

    if (im->addr.tls()) {
        auto ctx = detail::client_tls_context(im->addr.scheme == Scheme::wss && im->opts.verify_tls,
                                              im->opts.tls_ca_file);
        if (!ctx) co_return ctx.error();
        im->link = std::make_unique<LinkImpl<beast::ssl_stream<beast::tcp_stream>>>(ex, **ctx);
    } else {
        im->link = std::make_unique<LinkImpl<beast::tcp_stream>>(ex);
    }
    tcp::socket& sock = im->link->socket();

    // TCP, directly or through the proxy (which then resolves the name).
    if (auto s = co_await detail::dial(sock, im->addr.host, im->addr.port, im->opts.socks5_proxy,
                                       im->opts.connect_timeout);
        !s)
        co_return s.error();

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
    const std::string host_header = format_host_port(im->addr.host.name, im->addr.port);
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
    bool proven = false;
    detail::pump(*im->conn, im->buf, im->link->got_binary(),
                 [&](wsn::Event& ev) { proven = std::holds_alternative<wsn::HandshakeDone>(ev); });
    if (!proven) {
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
        std::optional<std::string> text;
        std::optional<wsn::ProtocolError> failed;
        detail::pump(*im.conn, im.buf, im.link->got_binary(), [&](wsn::Event& ev) {
            // One WebSocket message carries one wsn message, so at most one of these is set.
            if (auto* m = std::get_if<wsn::Message>(&ev)) text.emplace(m->text());
            if (auto* e = std::get_if<wsn::ProtocolError>(&ev)) failed = std::move(*e);
        });
        if (failed) co_await im.fail_close(uint16_t(failed->code), detail::close_reason(*failed));
        else if (text) co_return std::move(*text);
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
