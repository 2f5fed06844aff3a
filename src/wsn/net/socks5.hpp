#pragma once
// The client half of SOCKS5 (RFC 1928), no authentication, CONNECT only.
// Names are sent to the proxy as names (ATYP 3), so it resolves them: a .onion
// name reaches Tor unchanged and nothing leaks to the local resolver.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn::net {

// Reads a ClientOptions::socks5_proxy value as connect() does ("HOST:PORT", "[V6]:PORT"),
// so a tool can refuse a bad one before dialing; the error names the value.
[[nodiscard]] Result<std::pair<Host, uint16_t>> parse_socks5_proxy(std::string_view s);

}  // namespace wsn::net

namespace wsn::net::detail {

// On a socket connected to the proxy: asks it to connect to host:port. On success the
// socket carries the connection to the target. `target` names it in errors.
boost::asio::awaitable<Status> socks5_connect(boost::asio::ip::tcp::socket& s, const Host& host, uint16_t port,
                                              const std::string& target, const std::string& proxy);

}  // namespace wsn::net::detail
