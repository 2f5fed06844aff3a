#include "negentropy/varint.hpp"

#include <algorithm>

namespace wsn::negentropy {

size_t write_varint(uint64_t n, std::span<uint8_t> out) {
    uint8_t groups[kMaxVarintSize];
    size_t len = 0;
    do {
        groups[len++] = static_cast<uint8_t>(n & 0x7f);
        n >>= 7;
    } while (n != 0);
    for (size_t i = 0; i < len; ++i) {
        uint8_t g = groups[len - 1 - i];
        out[i] = i + 1 < len ? static_cast<uint8_t>(g | 0x80) : g;
    }
    return len;
}

void append_varint(uint64_t n, std::string& out) {
    uint8_t buf[kMaxVarintSize];
    size_t len = write_varint(n, buf);
    out.append(reinterpret_cast<const char*>(buf), len);
}

Result<uint64_t> read_varint(std::span<const uint8_t>& in) {
    uint64_t v = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        if (i == kMaxVarintSize || v > (UINT64_MAX >> 7)) return err("varint above 64 bits");
        v = (v << 7) | (in[i] & 0x7f);
        if ((in[i] & 0x80) == 0) {
            in = in.subspan(i + 1);
            return v;
        }
    }
    return err("truncated varint");
}

}  // namespace wsn::negentropy
