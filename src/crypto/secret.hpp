#pragma once
// Fixed-size secret bytes that wipe themselves, and constant-time comparison.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wsn::crypto {

// Overwrites memory in a way the compiler may not elide (OPENSSL_cleanse).
void wipe(void* p, size_t n);

// Constant-time equality of two equal-length byte ranges; false if lengths differ.
bool ct_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);

// N secret bytes. Wiped on destruction and on move-from; never printed.
template <size_t N>
class Secret {
public:
    Secret() { bytes_.fill(0); }
    explicit Secret(std::span<const uint8_t, N> b) { std::copy(b.begin(), b.end(), bytes_.begin()); }
    Secret(const Secret& o) : bytes_(o.bytes_) {}
    Secret& operator=(const Secret& o) { bytes_ = o.bytes_; return *this; }
    Secret(Secret&& o) noexcept : bytes_(o.bytes_) { o.clear(); }
    Secret& operator=(Secret&& o) noexcept { if (this != &o) { bytes_ = o.bytes_; o.clear(); } return *this; }
    ~Secret() { clear(); }

    uint8_t* data() { return bytes_.data(); }
    const uint8_t* data() const { return bytes_.data(); }
    static constexpr size_t size() { return N; }
    std::span<uint8_t, N> span() { return bytes_; }
    std::span<const uint8_t, N> span() const { return bytes_; }
    void clear() { wipe(bytes_.data(), N); }

private:
    std::array<uint8_t, N> bytes_;
};

using Secret32 = Secret<32>;

}  // namespace wsn::crypto
