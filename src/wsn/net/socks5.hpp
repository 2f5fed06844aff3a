#pragma once
// Internal: the client half of SOCKS5 (RFC 1928), no authentication, CONNECT only.
// Names are sent to the proxy as names (ATYP 3), so it resolves them: a .onion
// name reaches Tor unchanged and nothing leaks to the local resolver.
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn::net::detail {

// On a socket connected to the proxy: asks it to connect to host:port. On success the
// socket carries the connection to the target. `target` names it in errors.
boost::asio::awaitable<Status> socks5_connect(boost::asio::ip::tcp::socket& s, const Host& host, uint16_t port,
                                              const std::string& target, const std::string& proxy);

}  // namespace wsn::net::detail
