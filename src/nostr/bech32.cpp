// Bech32/Bech32m after BIP-173 and BIP-350: the checks run in the order of the
// BIPs' invalid test vectors, so each string fails with the reason they give.
#include "nostr/bech32.hpp"

#include <cassert>

#include "crypto/secret.hpp"

namespace wsn::nostr {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t kBech32Const = 1;
constexpr uint32_t kBech32mConst = 0x2bc830a3;
constexpr size_t kChecksumLength = 6;

uint32_t polymod_step(uint32_t chk, uint8_t value) {
    static constexpr uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ value;
    for (int i = 0; i < 5; ++i)
        if ((top >> i) & 1) chk ^= gen[i];
    return chk;
}

// Polymod of the expanded (lowercase) hrp followed by the given 5-bit values.
uint32_t polymod(std::string_view hrp, std::span<const uint8_t> values) {
    uint32_t chk = 1;
    for (char c : hrp) chk = polymod_step(chk, static_cast<uint8_t>(c) >> 5);
    chk = polymod_step(chk, 0);
    for (char c : hrp) chk = polymod_step(chk, static_cast<uint8_t>(c) & 31);
    for (uint8_t v : values) chk = polymod_step(chk, v);
    return chk;
}

int charset_index(char c) {
    auto pos = kCharset.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The data may be a secret (nsec): wipe what a failed decode leaves behind.
void wipe_values(std::vector<uint8_t>& v) { crypto::wipe(v.data(), v.size()); }

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Result<Bech32Data> bech32_decode(std::string_view s, size_t max_length) {
    if (s.size() > max_length)
        return err("too long (" + std::to_string(s.size()) + " characters, at most " +
                   std::to_string(max_length) + ")");
    bool lower = false, upper = false;
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 33 || c > 126) return err("character out of range at position " + std::to_string(i));
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) return err("mixed case");

    auto sep = s.rfind('1');
    if (sep == std::string_view::npos) return err("missing separator '1'");
    if (sep == 0) return err("empty human-readable part");
    if (s.size() - sep - 1 < kChecksumLength) return err("checksum too short");

    Bech32Data out;
    out.hrp.reserve(sep);
    for (char c : s.substr(0, sep)) out.hrp.push_back(to_lower(c));
    out.values.reserve(s.size() - sep - 1);
    for (size_t i = sep + 1; i < s.size(); ++i) {
        int v = charset_index(to_lower(s[i]));
        if (v < 0) {
            wipe_values(out.values);
            return err("invalid character at position " + std::to_string(i));
        }
        out.values.push_back(static_cast<uint8_t>(v));
    }

    uint32_t chk = polymod(out.hrp, out.values);
    if (chk == kBech32Const)
        out.variant = Bech32Variant::bech32;
    else if (chk == kBech32mConst)
        out.variant = Bech32Variant::bech32m;
    else {
        wipe_values(out.values);
        return err("bad checksum");
    }
    out.values.resize(out.values.size() - kChecksumLength);
    return out;
}

std::string bech32_encode(std::string_view hrp, std::span<const uint8_t> values, Bech32Variant variant) {
    assert(!hrp.empty());
    std::string out;
    out.reserve(hrp.size() + 1 + values.size() + kChecksumLength);
    for (char c : hrp) {
        assert(c >= 33 && c <= 126 && !(c >= 'A' && c <= 'Z'));
        out.push_back(c);
    }
    out.push_back('1');
    for (uint8_t v : values) {
        assert(v < 32);
        out.push_back(kCharset[v]);
    }
    // The checksum makes the polymod of everything equal the variant's constant.
    uint32_t chk = polymod(hrp, values);
    for (size_t i = 0; i < kChecksumLength; ++i) chk = polymod_step(chk, 0);
    chk ^= variant == Bech32Variant::bech32 ? kBech32Const : kBech32mConst;
    for (size_t i = 0; i < kChecksumLength; ++i) out.push_back(kCharset[(chk >> (5 * (5 - i))) & 31]);
    return out;
}

std::vector<uint8_t> bytes_to_fives(std::span<const uint8_t> bytes) {
    std::vector<uint8_t> out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    uint32_t acc = 0;
    int bits = 0;
    for (uint8_t b : bytes) {
        acc = (acc << 8 | b) & 0xfff;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.push_back((acc >> bits) & 31);
        }
    }
    if (bits) out.push_back((acc << (5 - bits)) & 31);
    return out;
}

Result<std::vector<uint8_t>> fives_to_bytes(std::span<const uint8_t> values) {
    std::vector<uint8_t> out;
    out.reserve(values.size() * 5 / 8);
    uint32_t acc = 0;
    int bits = 0;
    for (uint8_t v : values) {
        assert(v < 32);
        acc = (acc << 5 | v) & 0xfff;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.push_back((acc >> bits) & 0xff);
        }
    }
    const char* fault = bits >= 5 ? "bad padding (more than 4 bits)"
                        : (acc << (8 - bits)) & 0xff ? "bad padding (non-zero bits)"
                                                     : nullptr;
    acc = 0;
    if (fault) {
        wipe_values(out);
        return err(fault);
    }
    return out;
}

}  // namespace wsn::nostr
