#pragma once
// The close frame's code and reason as Beast takes them, built outside any coroutine:
// gcc 12 loses the reason when a websocket::close_reason (a static_string) is a local
// of a coroutine frame, so the peer got the code alone. Reasons longer than a close
// frame holds (123 bytes) are cut.
#include <cstdint>
#include <string_view>

#include <boost/beast/websocket/rfc6455.hpp>

namespace wsn::net::detail {

boost::beast::websocket::close_reason close_frame(uint16_t code, std::string_view reason);

}  // namespace wsn::net::detail
