#pragma once
// Helpers shared by the noise tests: keys from hex, JSON field access, a full
// handshake between two in-memory peers.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "crypto/keys.hpp"
#include "noise/handshake.hpp"
#include "support/vectors.hpp"
#include "util/hex.hpp"

namespace wsn::test {

inline std::string_view str(simdjson::dom::element e, const char* key) {
    std::string_view s;
    if (e[key].get(s) != simdjson::SUCCESS) throw std::runtime_error(std::string("missing string field ") + key);
    return s;
}

inline int64_t num(simdjson::dom::element e) {
    int64_t x = 0;
    if (e.get(x) != simdjson::SUCCESS) throw std::runtime_error("expected an integer");
    return x;
}

inline bool has(simdjson::dom::element e, const char* key) { return e[key].error() == simdjson::SUCCESS; }

inline crypto::SecretKey secret(std::string_view hex) { return *crypto::SecretKey::from_hex(hex); }

inline crypto::PublicKey pubkey(std::string_view hex) { return *crypto::parse_public_key(unhex(hex)); }

inline std::string hex(std::span<const uint8_t> b) { return to_hex(b); }
inline std::string hex(const crypto::Secret32& s) { return to_hex(s.span()); }

// Runs all three acts between an initiator and a responder in memory.
struct Pair {
    noise::Handshake initiator;
    noise::Handshake responder;
    noise::ActOne act1{};
    noise::ActTwo act2{};
    noise::ActThree act3{};

    Pair(const noise::StaticKey& client, const noise::StaticKey& relay, std::string_view prologue = noise::kWsnPrologue)
        : initiator(noise::Handshake::initiator(client, relay.pub, prologue)),
          responder(noise::Handshake::responder(relay, prologue)) {}

    // Acts one and two only.
    void first_two_acts() {
        act1 = initiator.write_act_one();
        ASSERT_TRUE(responder.read_act_one(act1).ok());
        act2 = responder.write_act_two();
        ASSERT_TRUE(initiator.read_act_two(act2).ok());
    }
    void run() {
        first_two_acts();
        act3 = initiator.write_act_three();
        ASSERT_TRUE(responder.read_act_three(act3).ok());
    }
};

}  // namespace wsn::test
