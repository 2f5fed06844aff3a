#include "proxy/info_fetch.hpp"

#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "wsn/net/socks5.hpp"

namespace wsn::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

std::string host_port(const Host& h, uint16_t port) {
    return (h.kind == HostKind::ipv6 ? "[" + h.name + "]" : h.name) + ":" + std::to_string(port);
}

Result<std::pair<Host, uint16_t>> parse_proxy(const std::string& s) {
    size_t colon = s.rfind(':');
    if (colon == std::string::npos) return err("SOCKS5 proxy '" + s + "': expected HOST:PORT");
    auto host = parse_host(s.substr(0, colon));
    if (!host) return err("SOCKS5 proxy '" + s + "': " + host.error().message);
    auto port = parse_port(s.substr(colon + 1));
    if (!port) return err("SOCKS5 proxy '" + s + "': " + port.error().message);
    return std::pair{*host, *port};
}

awaitable<Status> connect_tcp(tcp::socket& sock, const Host& host, uint16_t port, const std::string& what) {
    error_code ec;
    auto tok = asio::redirect_error(asio::use_awaitable, ec);
    tcp::resolver resolver(sock.get_executor());
    auto flags = host.kind == HostKind::dns || host.kind == HostKind::onion ? tcp::resolver::flags()
                                                                              : tcp::resolver::numeric_host;
    auto endpoints = co_await resolver.async_resolve(host.name, std::to_string(port), flags, tok);
    if (ec) co_return err("name resolution failed for " + host.name + ": " + ec.message());
    co_await asio::async_connect(sock, endpoints, tok);
    if (ec == asio::error::connection_refused) co_return err("connection refused by " + what);
    if (ec) co_return err("cannot connect to " + what + ": " + ec.message());
    co_return Ok{};
}

template <class Stream>
awaitable<Result<std::string>> get(Stream& stream, const Address& relay, const std::string& what) {
    error_code ec;
    auto tok = asio::redirect_error(asio::use_awaitable, ec);
    http::request<http::empty_body> req{http::verb::get, relay.path, 11};
    req.set(http::field::host, host_port(relay.host, relay.port));
    req.set(http::field::accept, "application/nostr+json");
    req.set(http::field::user_agent, "wsn");
    co_await http::async_write(stream, req, tok);
    if (ec) co_return err("cannot send the request to " + what + ": " + ec.message());
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxInfoDocument);
    co_await http::async_read(stream, buf, parser, tok);
    if (ec == http::error::body_limit) co_return err("NIP-11 document from " + what + " is larger than 256 KiB");
    if (ec) co_return err("no HTTP answer from " + what + ": " + ec.message());
    auto res = parser.release();
    if (res.result() != http::status::ok)
        co_return err("HTTP " + std::to_string(res.result_int()) + " from " + what + " (no NIP-11 document)");
    co_return std::move(res.body());
}

}  // namespace

awaitable<Result<std::string>> fetch_info_document(asio::any_io_executor ex, const Address& relay, FetchOptions opts) {
    const std::string what = host_port(relay.host, relay.port);
    beast::tcp_stream stream(ex);
    tcp::socket& sock = stream.socket();
    bool fired = false;
    asio::steady_timer deadline(ex, opts.timeout);
    deadline.async_wait([&](error_code ec) {
        if (ec) return;
        fired = true;
        error_code ignore;
        sock.close(ignore);
    });
    auto timed_out = [&] { return err("timed out fetching the NIP-11 document from " + what); };

    if (opts.socks5_proxy.empty()) {
        auto s = co_await connect_tcp(sock, relay.host, relay.port, what);
        if (fired) co_return timed_out();
        if (!s) co_return s.error();
    } else {
        auto proxy = parse_proxy(opts.socks5_proxy);
        if (!proxy) co_return proxy.error();
        const std::string pname = host_port(proxy->first, proxy->second);
        auto s = co_await connect_tcp(sock, proxy->first, proxy->second, "SOCKS5 proxy " + pname);
        if (s) s = co_await net::detail::socks5_connect(sock, relay.host, relay.port, what, pname);
        if (fired) co_return timed_out();
        if (!s) co_return s.error();
    }

    Result<std::string> out = err("");
    if (!relay.tls()) {
        out = co_await get(stream, relay, what);
    } else {
        asio::ssl::context ctx(asio::ssl::context::tls_client);
        const bool verify = relay.scheme == Scheme::wss && opts.verify_tls;
        error_code ec;
        if (verify) {
            ctx.set_default_verify_paths(ec);
            if (!opts.tls_ca_file.empty()) ctx.load_verify_file(opts.tls_ca_file, ec);
            if (ec) co_return err("cannot load TLS trust file " + opts.tls_ca_file + ": " + ec.message());
            ctx.set_verify_mode(asio::ssl::verify_peer);
            ctx.set_verify_callback(asio::ssl::host_name_verification(relay.host.name));
        } else {
            ctx.set_verify_mode(asio::ssl::verify_none);
        }
        beast::ssl_stream<beast::tcp_stream&> tls(stream, ctx);
        if (relay.host.kind == HostKind::dns) SSL_set_tlsext_host_name(tls.native_handle(), relay.host.name.c_str());
        co_await tls.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (fired) co_return timed_out();
        if (ec) co_return err("TLS handshake with " + what + " failed: " + ec.message());
        out = co_await get(tls, relay, what);
    }
    deadline.cancel();
    if (fired) co_return timed_out();
    co_return out;
}

Result<std::string> fetch_info_document_blocking(const Address& relay, FetchOptions opts) {
    asio::io_context ioc;
    Result<std::string> out = err("internal error fetching the NIP-11 document");
    // co_spawn's completion value must be default-constructible; Result is not, so the
    // coroutine stores it.
    auto task = [&]() -> awaitable<void> { out = co_await fetch_info_document(ioc.get_executor(), relay, opts); };
    asio::co_spawn(ioc, task(), asio::detached);
    ioc.run();
    return out;
}

}  // namespace wsn::proxy
