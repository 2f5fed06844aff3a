#pragma once
// wsn.v1 transport framing (docs/protocol.md): one plaintext (one NIP-01 message) in
// one WebSocket binary payload, cut into chunks of at most 65519 plaintext bytes. Each
// chunk is one AEAD encryption with the direction's next nonce, tag appended, and
// one byte of associated data: 0x00 if more chunks follow, 0x01 for the last. All
// chunks but the last are exactly 65535 bytes, so the chunking follows from the length.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "noise/cipher_state.hpp"
#include "util/result.hpp"

namespace wsn::noise {

inline constexpr size_t kMaxChunkPlaintext = 65519;
inline constexpr size_t kMaxChunkSize = kMaxChunkPlaintext + crypto::kTagSize;  // 65535
inline constexpr uint8_t kMoreChunks = 0x00;
inline constexpr uint8_t kLastChunk = 0x01;

// The payload size for a plaintext of n > 0 bytes.
size_t sealed_size(size_t plaintext_size);
// The plaintext size for a payload of n bytes, or nullopt if no plaintext seals to n
// bytes (n = 0, or a last chunk of 1..16 bytes, too short to hold a byte and a tag).
std::optional<size_t> opened_size(size_t sealed_size);

// The sending direction.
class Sealer {
public:
    explicit Sealer(CipherState cipher) : cipher_(std::move(cipher)) {}

    // One payload for the plaintext; an empty plaintext is refused and uses no nonce.
    [[nodiscard]] Result<std::vector<uint8_t>> seal(std::span<const uint8_t> plaintext);

    const CipherState& cipher() const { return cipher_; }

private:
    CipherState cipher_;
};

// Why a payload failed to open.
enum class OpenFault {
    bad_length,      // no plaintext seals to this many bytes (includes empty)
    too_big,         // the plaintext would exceed the limit (known from the length alone)
    bad_mac,         // a chunk did not authenticate (tampered, truncated, reordered, replayed)
    already_failed,  // an earlier payload failed; the direction is dead
};

// The receiving direction, with a limit on the plaintext size.
class Opener {
public:
    Opener(CipherState cipher, size_t max_plaintext) : cipher_(std::move(cipher)), max_(max_plaintext) {}

    // The whole plaintext, or an Error naming the fault and nothing of the payload.
    // The size is checked from the payload length before anything is decrypted or
    // allocated. After any failure every later call fails too (fault() tells why).
    [[nodiscard]] Result<std::vector<uint8_t>> open(std::span<const uint8_t> sealed);

    std::optional<OpenFault> fault() const { return fault_; }
    size_t max_plaintext() const { return max_; }
    const CipherState& cipher() const { return cipher_; }

private:
    Error fail(OpenFault f, std::string message);

    CipherState cipher_;
    size_t max_;
    std::optional<OpenFault> fault_;
};

}  // namespace wsn::noise
