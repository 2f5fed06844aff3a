#include "wsn/net/dial.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "wsn/net/socks5.hpp"

namespace wsn::net::detail {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;

Deadline::Deadline(asio::any_io_executor ex, std::chrono::milliseconds d, std::function<void()> on_fire)
    : timer_(ex, d), state_(std::make_shared<State>()) {
    timer_.async_wait([st = state_, f = std::move(on_fire)](error_code ec) {
        if (ec || !st->armed) return;
        st->fired = true;
        f();
    });
}

Deadline::~Deadline() {
    state_->armed = false;
    timer_.cancel();
}

namespace {

// Resolves and connects within the deadline; `what` names the target.
awaitable<Status> connect_direct(tcp::socket& sock, const Host& host, uint16_t port, const std::string& what,
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

}  // namespace

awaitable<Status> dial(tcp::socket& sock, const Host& host, uint16_t port, const std::string& socks5_proxy,
                       std::chrono::milliseconds timeout) {
    const std::string what = format_host_port(host.name, port);
    if (socks5_proxy.empty()) co_return co_await connect_direct(sock, host, port, what, timeout);

    auto proxy = parse_socks5_proxy(socks5_proxy);
    if (!proxy) co_return proxy.error();
    const std::string pname = format_host_port(proxy->first.name, proxy->second);
    if (auto s = co_await connect_direct(sock, proxy->first, proxy->second, "SOCKS5 proxy " + pname, timeout); !s)
        co_return s.error();
    Deadline deadline(sock.get_executor(), timeout, [&] {
        error_code ignore;
        sock.close(ignore);
    });
    auto s = co_await socks5_connect(sock, host, port, what, pname);
    if (deadline.fired()) co_return err("timed out connecting to " + what + " through SOCKS5 proxy " + pname);
    co_return s;
}

}  // namespace wsn::net::detail
