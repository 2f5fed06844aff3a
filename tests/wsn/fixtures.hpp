#pragma once
// What the announcement, resolution and announce-plan tests share: two fixed keys, a time
// and a real onion name.
#include <cstdint>
#include <string>

#include "crypto/keys.hpp"
#include "wsn/address.hpp"

namespace wsn::fixtures {

inline constexpr int64_t kNow = 1'800'000'000;
// A real v3 onion name (DuckDuckGo's).
inline const std::string kOnion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion";

inline crypto::SecretKey key_a() { return *crypto::SecretKey::from_hex(std::string(63, '0') + "1"); }
inline crypto::SecretKey key_b() { return *crypto::SecretKey::from_hex(std::string(63, '0') + "2"); }

// A URL the test knows to be valid.
inline Address addr(const std::string& uri) { return *parse_relay_url(uri); }

}  // namespace wsn::fixtures
