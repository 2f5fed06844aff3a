#pragma once
// Which relay a `wsn proxy` session goes to, from the request target the app used:
//
//   ws://127.0.0.1:PORT/wsn://npub1...@203.0.113.5:7447        the address, plain
//   ws://127.0.0.1:PORT/wsn%3A%2F%2Fnpub1...%40203.0.113.5%3A7447  or escaped
//   ws://127.0.0.1:PORT/wsn:/npub1...@203.0.113.5:7447         "//" collapsed, as some apps do
//   ws://127.0.0.1:PORT/                                        the default upstream
//
// Pure: no I/O.
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn::proxy {

// Decodes %XX escapes; fails on a bad escape.
[[nodiscard]] Result<std::string> percent_decode(std::string_view s);

// The upstream for a request target: the address after the leading '/', or
// `default_upstream` for "/" (an Error if there is none). Any relay URL is accepted
// (wsn, wsns, ws, wss); the Error names what is wrong with the address.
[[nodiscard]] Result<Address> upstream_for_target(std::string_view target,
                                                  const std::optional<Address>& default_upstream);

}  // namespace wsn::proxy
