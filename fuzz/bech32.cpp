// libFuzzer: the bech32 decoder and the NIP-19 decoders never crash, and a
// decoded string re-encodes to the same text (lowercased).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nostr/bech32.hpp"
#include "nostr/nip19.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace wsn::nostr;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto d = bech32_decode(input, kNip19MaxLength)) {
        std::string lower(input);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (bech32_encode(d->hrp, d->values, d->variant) != lower) std::abort();
        if (auto bytes = fives_to_bytes(d->values)) {
            if (bytes_to_fives(*bytes) != d->values) std::abort();
            (void)parse_tlv(*bytes);
        }
    }
    if (auto k = decode_npub(input)) {
        if (decode_npub(encode_npub(*k)).value() != *k) std::abort();
    }
    if (auto p = decode_nprofile(input)) {
        auto s = encode_nprofile(*p);
        if (s && !(decode_nprofile(*s).value() == *p)) std::abort();
    }
    (void)decode_nsec(input);
    (void)decode_note(input);
    (void)decode_nevent(input);
    (void)decode_naddr(input);
    return 0;
}
