#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include "wsn/net/socks5.hpp"

#include <array>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace wsn::net::detail {
namespace asio = boost::asio;

namespace {

constexpr uint8_t kVersion = 5, kNoAuth = 0, kConnect = 1;
constexpr uint8_t kAtypV4 = 1, kAtypName = 3, kAtypV6 = 4;

std::string reply_text(uint8_t rep) {
    switch (rep) {
        case 1: return "general failure (for a name: perhaps the proxy could not resolve it)";
        case 2: return "connection not allowed by the proxy's rules";
        case 3: return "network unreachable";
        case 4: return "host unreachable";
        case 5: return "connection refused";
        case 6: return "TTL expired";
        case 7: return "command not supported";
        case 8: return "address type not supported";
        default: return "unknown reply " + std::to_string(rep);
    }
}

}  // namespace

asio::awaitable<Status> socks5_connect(asio::ip::tcp::socket& s, const Host& host, uint16_t port,
                                       const std::string& target, const std::string& proxy) {
    boost::system::error_code ec;
    auto tok = asio::redirect_error(asio::use_awaitable, ec);
    auto io_error = [&](const char* what) {
        return err("SOCKS5 proxy " + proxy + ": " + what + ": " + ec.message());
    };

    const std::array<uint8_t, 3> greeting{kVersion, 1, kNoAuth};
    co_await asio::async_write(s, asio::buffer(greeting), tok);
    if (ec) co_return io_error("sending the greeting");
    std::array<uint8_t, 2> choice{};
    co_await asio::async_read(s, asio::buffer(choice), tok);
    if (ec) co_return io_error("reading its answer to the greeting");
    if (choice[0] != kVersion) co_return err("SOCKS5 proxy " + proxy + " does not speak SOCKS5");
    if (choice[1] != kNoAuth) co_return err("SOCKS5 proxy " + proxy + " requires authentication (not supported)");

    std::vector<uint8_t> req{kVersion, kConnect, 0};
    if (host.kind == HostKind::ipv4 || host.kind == HostKind::ipv6) {
        auto addr = asio::ip::make_address(host.name, ec);
        if (ec) co_return err("bad IP address " + host.name);
        if (addr.is_v4()) {
            req.push_back(kAtypV4);
            for (auto b : addr.to_v4().to_bytes()) req.push_back(b);
        } else {
            req.push_back(kAtypV6);
            for (auto b : addr.to_v6().to_bytes()) req.push_back(b);
        }
    } else {
        if (host.name.size() > 255) co_return err("host name too long for SOCKS5: " + host.name);
        req.push_back(kAtypName);
        req.push_back(uint8_t(host.name.size()));
        req.insert(req.end(), host.name.begin(), host.name.end());
    }
    req.push_back(uint8_t(port >> 8));
    req.push_back(uint8_t(port & 0xff));
    co_await asio::async_write(s, asio::buffer(req), tok);
    if (ec) co_return io_error("sending the connect request");

    // VER REP RSV ATYP, then the bound address (skipped) and port.
    std::array<uint8_t, 4> head{};
    co_await asio::async_read(s, asio::buffer(head), tok);
    if (ec) co_return io_error("reading its reply");
    if (head[0] != kVersion) co_return err("SOCKS5 proxy " + proxy + " sent a malformed reply");
    if (head[1] != 0)
        co_return err("SOCKS5 proxy " + proxy + " could not connect to " + target + ": " + reply_text(head[1]));
    size_t rest = 0;
    if (head[3] == kAtypV4) rest = 4 + 2;
    else if (head[3] == kAtypV6) rest = 16 + 2;
    else if (head[3] == kAtypName) {
        std::array<uint8_t, 1> len{};
        co_await asio::async_read(s, asio::buffer(len), tok);
        if (ec) co_return io_error("reading its reply");
        rest = len[0] + 2;
    } else {
        co_return err("SOCKS5 proxy " + proxy + " sent a malformed reply");
    }
    std::array<uint8_t, 255 + 2> skip{};
    co_await asio::async_read(s, asio::buffer(skip.data(), rest), tok);
    if (ec) co_return io_error("reading its reply");
    co_return Ok{};
}

}  // namespace wsn::net::detail

namespace wsn::net {

Result<std::pair<Host, uint16_t>> parse_socks5_proxy(std::string_view s) {
    auto hp = parse_host_port(s);
    if (!hp) return err("SOCKS5 proxy " + hp.error().message);
    return hp;
}

}  // namespace wsn::net
