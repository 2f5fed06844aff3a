#pragma once
// What negentropy reconciles: items (created_at, id) in one order, their range
// fingerprints, and the bounds that cut a sorted set into ranges (protocol v1,
// hoytech/negentropy docs; NIP-77).
#include <array>
#include <compare>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace wsn::negentropy {

using Id = std::array<uint8_t, 32>;
using Fingerprint = std::array<uint8_t, 16>;

// The timestamp of the bound past every item (encoded as 0 on the wire).
inline constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();

// Ordered by created_at, then by id as bytes: the order both sides sort by.
struct Item {
    uint64_t created_at = 0;
    Id id{};
    auto operator<=>(const Item&) const = default;
};

// A point between items: (created_at, an id prefix of `prefix_len` bytes, zero padded).
// Items below it are those ordered before (created_at, padded prefix).
struct Bound {
    uint64_t created_at = 0;
    uint8_t prefix_len = 0;
    Id prefix{};

    static Bound infinity() { return Bound{kInfinity, 0, {}}; }
    static Bound at(const Item& item) { return Bound{item.created_at, 32, item.id}; }
    // The shortest bound with `prev` below it and `next` not: the wire cost of a cut.
    static Bound between(const Item& prev, const Item& next);

    // Two bounds with the same padded prefix are the same point, whatever their lengths.
    std::strong_ordering operator<=>(const Bound& o) const {
        if (auto c = created_at <=> o.created_at; c != 0) return c;
        return prefix <=> o.prefix;
    }
    bool operator==(const Bound& o) const { return (*this <=> o) == 0; }
};

inline bool below(const Item& item, const Bound& b) {
    if (item.created_at != b.created_at) return item.created_at < b.created_at;
    return item.id < b.prefix;
}

// The sum of ids as little-endian 256-bit integers, mod 2^256.
class IdSum {
public:
    void add(const Id& id);
    void sub(const IdSum& o);
    // SHA-256(sum (32 bytes, little-endian) || varint(count)), its first 16 bytes.
    Fingerprint fingerprint(uint64_t count) const;

private:
    std::array<uint64_t, 4> limbs_{};  // limbs_[0] least significant
};

// A sorted, duplicate-free set with the prefix sums that make any range's fingerprint
// one subtraction and one hash. Costs 72 bytes per item (40 for the item, 32 for its sum).
class ItemSet {
public:
    ItemSet() : sums_(1) {}
    // Sorts and drops duplicates. created_at must be below kInfinity (events' are).
    explicit ItemSet(std::vector<Item> items);

    size_t size() const { return items_.size(); }
    const Item& operator[](size_t i) const { return items_[i]; }
    std::span<const Item> items() const { return items_; }

    // The first index at or after `from` whose item is not below `b`.
    size_t lower_bound(size_t from, const Bound& b) const;
    Fingerprint fingerprint(size_t begin, size_t end) const;

private:
    std::vector<Item> items_;
    std::vector<IdSum> sums_;  // sums_[i]: the sum of items_[0..i)
};

}  // namespace wsn::negentropy
