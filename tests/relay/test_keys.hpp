#pragma once
// A fixed secret key per byte value, for relay tests that need signed events.
#include <array>

#include "crypto/keys.hpp"

namespace wsn::relay::test {

inline crypto::SecretKey key(uint8_t b) {
    std::array<uint8_t, 32> k{};
    k.fill(b);
    return *crypto::SecretKey::from_bytes(k);
}

}  // namespace wsn::relay::test
