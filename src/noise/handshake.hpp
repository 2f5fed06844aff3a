#pragma once
// The BOLT 8 handshake, Noise_XK_secp256k1_ChaChaPoly_SHA256, with the prologue a
// parameter: "wsn.v1" for wsn, "lightning" for BOLT 8 itself. One object per side:
//
//   initiator: write_act_one -> read_act_two -> write_act_three -> take_transport
//   responder: read_act_one -> write_act_two -> read_act_three  -> take_transport
//
// Calling an act out of order is a caller bug (abort). A received act that is
// wrong fails with an Error naming the fault; the handshake is then failed for good.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/aead.hpp"
#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "noise/cipher_state.hpp"
#include "util/result.hpp"

namespace wsn::noise {

inline constexpr std::string_view kProtocolName = "Noise_XK_secp256k1_ChaChaPoly_SHA256";
inline constexpr std::string_view kWsnPrologue = "wsn.v1";
inline constexpr std::string_view kLightningPrologue = "lightning";
inline constexpr uint8_t kHandshakeVersion = 0;
inline constexpr size_t kActOneSize = 50;    // version, e (33), tag
inline constexpr size_t kActTwoSize = 50;    // version, e (33), tag
inline constexpr size_t kActThreeSize = 66;  // version, encrypted s (33 + tag), tag

using ActOne = std::array<uint8_t, kActOneSize>;
using ActTwo = std::array<uint8_t, kActTwoSize>;
using ActThree = std::array<uint8_t, kActThreeSize>;

// A static key with its public point computed once (a relay reuses it for every handshake).
struct StaticKey {
    crypto::SecretKey secret;
    crypto::PublicKey pub;

    // The key as given (BOLT 8).
    explicit StaticKey(crypto::SecretKey s);
    // The key negated if its point has odd y: a wsn relay's key, so that clients reach
    // it by lifting its x-only npub to even y.
    static StaticKey even_y(const crypto::SecretKey& s);
};

// What was wrong with a received act, in the order checked. BOLT 8 names:
// ACTn_READ_FAILED, ACTn_BAD_VERSION, ACTn_BAD_PUBKEY, ACTn_BAD_TAG, ACT3_BAD_CIPHERTEXT.
enum class ActFault {
    bad_length,          // not exactly 50 / 50 / 66 bytes
    bad_version,         // first byte not 0
    bad_pubkey,          // e (acts one and two) or decrypted s (act three) not a valid point
    bad_mac,             // the act's final tag does not authenticate
    bad_static_key_mac,  // act three: the encrypted static key does not authenticate
};

// A short name for the fault ("bad MAC"), for messages.
std::string_view to_string(ActFault f);

// The two directions after the handshake.
struct Transport {
    CipherState send;
    CipherState recv;
};

class Handshake {
public:
    enum class Role { initiator, responder };
    // Each state names what last happened.
    enum class State { start, act_one_sent, act_one_received, act_two_sent, act_two_received, done, failed };

    // The initiator knows the responder's static key. ephemeral: only tests fix it.
    static Handshake initiator(const StaticKey& local, const crypto::PublicKey& remote_static,
                               std::string_view prologue = kWsnPrologue,
                               std::optional<crypto::SecretKey> ephemeral = std::nullopt);
    static Handshake responder(const StaticKey& local, std::string_view prologue = kWsnPrologue,
                               std::optional<crypto::SecretKey> ephemeral = std::nullopt);

    // Initiator, in state start; then act_one_sent.
    ActOne write_act_one();
    // Responder, in state start; then act_one_received, or failed with the fault.
    [[nodiscard]] Status read_act_one(std::span<const uint8_t> act);
    // Responder, in state act_one_received; then act_two_sent.
    ActTwo write_act_two();
    // Initiator, in state act_one_sent; then act_two_received, or failed with the fault.
    [[nodiscard]] Status read_act_two(std::span<const uint8_t> act);
    // Initiator, in state act_two_received; then done.
    ActThree write_act_three();
    // Responder, in state act_two_sent; then done, or failed with the fault.
    [[nodiscard]] Status read_act_three(std::span<const uint8_t> act);

    Role role() const { return role_; }
    State state() const { return state_; }
    // Why the handshake failed (state failed), else nullopt.
    std::optional<ActFault> fault() const { return fault_; }

    // The peer's static key: known from the start by the initiator, learned from act
    // three by the responder (aborts if not yet known).
    const crypto::PublicKey& remote_static() const;
    // Its x coordinate: the client's Nostr pubkey, whatever the parity of its y.
    crypto::XOnlyPubkey remote_xonly() const { return remote_static().xonly(); }
    // The handshake hash h so far (equal on both sides after each act).
    const crypto::Hash32& handshake_hash() const { return h_; }
    // The chaining key ck so far (equal on both sides after each act).
    const crypto::Secret32& chaining_key() const { return ck_; }

    // In state done: the transport keys (sk, rk = HKDF(ck, "") for the initiator,
    // swapped for the responder). Called once.
    Transport take_transport();

private:
    Handshake(Role role, const StaticKey& local, std::optional<crypto::PublicKey> remote_static,
              std::string_view prologue, std::optional<crypto::SecretKey> ephemeral);
    Status fail(ActFault f, std::string_view act, std::string what);
    // Acts one and two share a shape: 0 || e.pub || c, with h = SHA-256(h || e.pub),
    // ck, k = HKDF(ck, dh) and c = encryptWithAD(k, 0, h, ""); then h = SHA-256(h || c).
    // Writing: dh = ECDH(e, remote); returns k.
    crypto::Secret32 write_e_act(std::span<uint8_t, kActOneSize> act, const crypto::PublicKey& remote);
    // Reading: dh = ECDH(local, re); on success commits h, ck and re and returns k.
    [[nodiscard]] Result<crypto::Secret32> read_e_act(std::span<const uint8_t> act, const crypto::SecretKey& local,
                                                      std::string_view name);

    Role role_;
    State state_ = State::start;
    std::optional<ActFault> fault_;
    StaticKey s_;
    crypto::SecretKey e_;
    std::optional<crypto::PublicKey> rs_;
    crypto::PublicKey re_;
    crypto::Hash32 h_{};
    crypto::Secret32 ck_;
    crypto::Secret32 temp_k2_;  // act two's key, which also encrypts act three's s
    bool transport_taken_ = false;
    std::unique_ptr<crypto::ChaChaPoly> aead_;  // one OpenSSL context for all acts
};

}  // namespace wsn::noise
