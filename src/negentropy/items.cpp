#include "negentropy/items.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "crypto/hash.hpp"
#include "negentropy/varint.hpp"

namespace wsn::negentropy {

Bound Bound::between(const Item& prev, const Item& next) {
    if (prev.created_at != next.created_at) return Bound{next.created_at, 0, {}};
    Bound b{next.created_at, 0, {}};
    size_t shared = 0;
    while (shared < 32 && prev.id[shared] == next.id[shared]) ++shared;
    b.prefix_len = static_cast<uint8_t>(std::min<size_t>(shared + 1, 32));
    std::copy_n(next.id.begin(), b.prefix_len, b.prefix.begin());
    return b;
}

namespace {

uint64_t load_le(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

void IdSum::add(const Id& id) {
    unsigned __int128 carry = 0;
    for (size_t k = 0; k < 4; ++k) {
        carry += static_cast<unsigned __int128>(limbs_[k]) + load_le(id.data() + 8 * k);
        limbs_[k] = static_cast<uint64_t>(carry);
        carry >>= 64;
    }
}

void IdSum::sub(const IdSum& o) {
    uint64_t borrow = 0;
    for (size_t k = 0; k < 4; ++k) {
        uint64_t a = limbs_[k], b = o.limbs_[k];
        uint64_t d = a - b - borrow;
        borrow = (a < b || (a == b && borrow)) ? 1 : 0;
        limbs_[k] = d;
    }
}

Fingerprint IdSum::fingerprint(uint64_t count) const {
    std::array<uint8_t, 32 + kMaxVarintSize> buf{};
    for (size_t k = 0; k < 4; ++k)
        for (size_t i = 0; i < 8; ++i) buf[8 * k + i] = static_cast<uint8_t>(limbs_[k] >> (8 * i));
    size_t n = 32 + write_varint(count, std::span(buf).subspan(32));
    auto h = crypto::sha256(std::span<const uint8_t>(buf.data(), n));
    Fingerprint fp;
    std::copy_n(h.begin(), fp.size(), fp.begin());
    return fp;
}

ItemSet::ItemSet(std::vector<Item> items) : items_(std::move(items)) {
    std::sort(items_.begin(), items_.end());
    items_.erase(std::unique(items_.begin(), items_.end()), items_.end());
    sums_.resize(items_.size() + 1);
    for (size_t i = 0; i < items_.size(); ++i) {
        assert(items_[i].created_at < kInfinity);
        sums_[i + 1] = sums_[i];
        sums_[i + 1].add(items_[i].id);
    }
}

size_t ItemSet::lower_bound(size_t from, const Bound& b) const {
    auto it = std::partition_point(items_.begin() + static_cast<ptrdiff_t>(from), items_.end(),
                                   [&](const Item& item) { return below(item, b); });
    return static_cast<size_t>(it - items_.begin());
}

Fingerprint ItemSet::fingerprint(size_t begin, size_t end) const {
    assert(begin <= end && end <= items_.size());
    IdSum s = sums_[end];
    s.sub(sums_[begin]);
    return s.fingerprint(end - begin);
}

}  // namespace wsn::negentropy
