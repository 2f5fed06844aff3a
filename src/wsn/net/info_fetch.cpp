#include "wsn/net/info_fetch.hpp"

#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "wsn/net/dial.hpp"
#include "wsn/net/tls_client.hpp"

namespace wsn::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

template <class Stream>
awaitable<Result<HttpAnswer>> exchange(Stream& stream, const Address& relay, const HttpCall& call, const std::string& what) {
    error_code ec;
    auto tok = asio::redirect_error(asio::use_awaitable, ec);
    http::request<http::string_body> req{http::string_to_verb(call.method), relay.path, 11};
    req.set(http::field::host, format_host_port(relay.host.name, relay.port));
    if (!call.accept.empty()) req.set(http::field::accept, call.accept);
    if (!call.content_type.empty()) req.set(http::field::content_type, call.content_type);
    if (!call.authorization.empty()) req.set(http::field::authorization, call.authorization);
    req.set(http::field::user_agent, "wsn");
    req.body() = call.body;
    req.prepare_payload();
    co_await http::async_write(stream, req, tok);
    if (ec) co_return err("cannot send the request to " + what + ": " + ec.message());
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxInfoDocument);
    co_await http::async_read(stream, buf, parser, tok);
    if (ec == http::error::body_limit) co_return err("the answer from " + what + " is larger than 256 KiB");
    if (ec) co_return err("no HTTP answer from " + what + ": " + ec.message());
    auto res = parser.release();
    co_return HttpAnswer{res.result_int(), std::move(res.body())};
}

}  // namespace

awaitable<Result<HttpAnswer>> http_call(asio::any_io_executor ex, const Address& relay, const HttpCall& call,
                                        FetchOptions opts) {
    if (relay.key_only()) co_return err(unresolved_error(relay));
    const std::string what = format_host_port(relay.host.name, relay.port);
    beast::tcp_stream stream(ex);
    tcp::socket& sock = stream.socket();
    detail::Deadline deadline(ex, opts.timeout, [&] {
        error_code ignore;
        sock.close(ignore);
    });
    auto timed_out = [&] { return err("timed out waiting for an HTTP answer from " + what); };

    auto dialed = co_await detail::dial(sock, relay.host, relay.port, opts.socks5_proxy, opts.timeout);
    if (deadline.fired()) co_return timed_out();
    if (!dialed) co_return dialed.error();

    Result<HttpAnswer> out = err("");
    if (!relay.tls()) {
        out = co_await exchange(stream, relay, call, what);
    } else {
        auto ctx = detail::client_tls_context(relay.scheme == Scheme::wss && opts.verify_tls, opts.tls_ca_file);
        if (!ctx) co_return ctx.error();
        beast::ssl_stream<beast::tcp_stream&> tls(stream, **ctx);
        detail::set_tls_peer(tls.native_handle(), relay.host);
        error_code ec;
        co_await tls.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (deadline.fired()) co_return timed_out();
        if (ec) co_return err("TLS handshake with " + what + " failed: " + ec.message());
        out = co_await exchange(tls, relay, call, what);
    }
    if (deadline.fired()) co_return timed_out();
    co_return out;
}

awaitable<Result<std::string>> fetch_info_document(asio::any_io_executor ex, const Address& relay, FetchOptions opts) {
    HttpCall call;
    call.accept = "application/nostr+json";
    auto got = co_await http_call(ex, relay, call, opts);
    if (!got) co_return got.error();
    const std::string what = format_host_port(relay.host.name, relay.port);
    if (got->status != 200) co_return err("HTTP " + std::to_string(got->status) + " from " + what + " (no NIP-11 document)");
    co_return std::move(got->body);
}

namespace {

// Runs one of the above on its own I/O context. co_spawn's completion value must be
// default-constructible; Result is not, so the coroutine stores it.
template <class T, class F>
Result<T> blocking(F&& start) {
    asio::io_context ioc;
    Result<T> out = err("internal error in an HTTP request");
    auto task = [&]() -> awaitable<void> { out = co_await start(ioc.get_executor()); };
    asio::co_spawn(ioc, task(), asio::detached);
    ioc.run();
    return out;
}

}  // namespace

Result<std::string> fetch_info_document_blocking(const Address& relay, FetchOptions opts) {
    return blocking<std::string>([&](asio::any_io_executor ex) { return fetch_info_document(ex, relay, opts); });
}

Result<HttpAnswer> http_call_blocking(const Address& relay, const HttpCall& call, FetchOptions opts) {
    return blocking<HttpAnswer>([&](asio::any_io_executor ex) { return http_call(ex, relay, call, opts); });
}

}  // namespace wsn::net
