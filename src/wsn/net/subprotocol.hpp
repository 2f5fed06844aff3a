#pragma once
// The WebSocket subprotocol a wsn client offers and a wsn server selects (DESIGN §2).
#include <string_view>

namespace wsn::net {

inline constexpr std::string_view kWsnSubprotocol = "wsn.v1";

}  // namespace wsn::net
