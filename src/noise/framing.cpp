#include "noise/framing.hpp"

#include <algorithm>
#include <string>

namespace wsn::noise {

namespace {

uint8_t chunk_ad(bool last) { return last ? kLastChunk : kMoreChunks; }

}  // namespace

size_t sealed_size(size_t plaintext_size) {
    size_t chunks = (plaintext_size + kMaxChunkPlaintext - 1) / kMaxChunkPlaintext;
    return plaintext_size + chunks * crypto::kTagSize;
}

std::optional<size_t> opened_size(size_t sealed_size) {
    size_t full = sealed_size / kMaxChunkSize;
    size_t rest = sealed_size % kMaxChunkSize;
    if (rest == 0 && full == 0) return std::nullopt;
    if (rest != 0 && rest <= crypto::kTagSize) return std::nullopt;
    size_t chunks = full + (rest != 0);
    return sealed_size - chunks * crypto::kTagSize;
}

Result<std::vector<uint8_t>> Sealer::seal(std::span<const uint8_t> plaintext) {
    if (plaintext.empty()) return err("cannot seal an empty message");
    std::vector<uint8_t> out(sealed_size(plaintext.size()));
    size_t in = 0, at = 0;
    while (in < plaintext.size()) {
        size_t n = std::min(kMaxChunkPlaintext, plaintext.size() - in);
        const uint8_t ad = chunk_ad(in + n == plaintext.size());
        cipher_.encrypt({&ad, 1}, plaintext.subspan(in, n), std::span(out).subspan(at, n + crypto::kTagSize));
        in += n;
        at += n + crypto::kTagSize;
    }
    return out;
}

Error Opener::fail(OpenFault f, std::string message) {
    fault_ = f;
    return err(std::move(message));
}

Result<std::vector<uint8_t>> Opener::open(std::span<const uint8_t> sealed) {
    if (fault_) return err("connection already failed to open a message");
    auto size = opened_size(sealed.size());
    if (!size)
        return fail(OpenFault::bad_length,
                    "bad message length " + std::to_string(sealed.size()) +
                        " (the last chunk must hold 17 to 65535 bytes)");
    if (*size > max_)
        return fail(OpenFault::too_big, "message of " + std::to_string(*size) + " bytes over the limit of " +
                                            std::to_string(max_));
    std::vector<uint8_t> out(*size);
    size_t in = 0, at = 0;
    while (in < sealed.size()) {
        size_t n = std::min(kMaxChunkSize, sealed.size() - in);
        const uint8_t ad = chunk_ad(in + n == sealed.size());
        if (!cipher_.decrypt({&ad, 1}, sealed.subspan(in, n), std::span(out).subspan(at, n - crypto::kTagSize)))
            return fail(OpenFault::bad_mac, "bad MAC in chunk " + std::to_string(in / kMaxChunkSize + 1));
        in += n;
        at += n - crypto::kTagSize;
    }
    return out;
}

}  // namespace wsn::noise
