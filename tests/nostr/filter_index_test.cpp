// FilterIndex gives exactly what checking every subscription would give.
#include <gtest/gtest.h>

#include <random>

#include "nostr/filter_index.hpp"

namespace wsn::nostr {
namespace {

// Small value pools so that random filters and events often meet.
struct Pools {
    std::mt19937_64 rng{42};
    size_t pick(size_t n) { return rng() % n; }
    Id id() { Id x{}; x[0] = static_cast<uint8_t>(pick(6)); return x; }
    crypto::XOnlyPubkey author() { crypto::XOnlyPubkey k; k.bytes[5] = static_cast<uint8_t>(pick(6)); return k; }
    uint16_t kind() { return static_cast<uint16_t>(pick(5)); }
    char letter() { return "epta"[pick(4)]; }
    std::string value() { return std::string(1, static_cast<char>('a' + pick(5))); }

    Event event() {
        Event e;
        e.id = id();
        e.pubkey = author();
        e.kind = kind();
        e.created_at = static_cast<int64_t>(pick(100));
        size_t n = pick(5);
        for (size_t i = 0; i < n; ++i) {
            if (pick(6) == 0) e.tags.push_back({"title", value()});
            else e.tags.push_back({std::string(1, letter()), value()});
        }
        return e;
    }
    template <class T, class Gen>
    std::optional<std::vector<T>> maybe_list(Gen gen) {
        if (pick(3) != 0) return std::nullopt;
        std::vector<T> v(pick(4));  // sometimes empty: matches nothing
        for (auto& x : v) x = gen();
        return v;
    }
    Filter filter() {
        Filter f;
        f.ids = maybe_list<Id>([&] { return id(); });
        f.authors = maybe_list<crypto::XOnlyPubkey>([&] { return author(); });
        f.kinds = maybe_list<uint16_t>([&] { return kind(); });
        size_t n = pick(3);
        for (size_t i = 0; i < n; ++i) {
            TagFilter t{letter(), {}};
            for (size_t j = pick(3) + 1; j > 0; --j) t.values.push_back(value());
            f.tags.push_back(t);
        }
        if (pick(4) == 0) f.since = static_cast<int64_t>(pick(100));
        if (pick(4) == 0) f.until = static_cast<int64_t>(pick(100));
        f.normalize();
        return f;
    }
};

TEST(FilterIndex, AgreesWithCheckingEverySubscription) {
    Pools p;
    FilterIndex index;
    std::map<FilterIndex::Key, std::vector<Filter>> all;
    std::vector<FilterIndex::Key> got;
    size_t total_matches = 0;
    for (int round = 0; round < 3000; ++round) {
        FilterIndex::Key key = p.pick(200);
        if (p.pick(4) == 0) {
            index.remove(key);
            all.erase(key);
        } else {
            std::vector<Filter> fs(p.pick(3) + 1);
            for (auto& f : fs) f = p.filter();
            index.add(key, fs);
            all[key] = fs;
        }
        ASSERT_EQ(index.size(), all.size());
        Event e = p.event();
        std::vector<FilterIndex::Key> expected;
        for (const auto& [k, fs] : all)
            if (matches_any(fs, e)) expected.push_back(k);
        index.matches(e, got);
        ASSERT_EQ(got, expected) << "round " << round;
        total_matches += got.size();
    }
    EXPECT_GT(total_matches, 1000u);  // the pools are small enough to meet often
}

TEST(FilterIndex, RemoveAndReplace) {
    FilterIndex index;
    Event e;
    e.kind = 1;
    e.tags = {{"p", "x"}};
    Filter by_kind;
    by_kind.kinds = std::vector<uint16_t>{1};
    Filter by_tag;
    by_tag.tags = {{'p', {"x", "y"}}};
    std::vector<FilterIndex::Key> got;
    index.add(7, {by_kind, by_tag});  // both filters match: the key comes once
    index.add(3, {Filter{}});
    index.matches(e, got);
    EXPECT_EQ(got, (std::vector<FilterIndex::Key>{3, 7}));
    index.add(7, {Filter{}});
    index.remove(3);
    index.remove(99);
    index.matches(e, got);
    EXPECT_EQ(got, (std::vector<FilterIndex::Key>{7}));
    index.remove(7);
    index.matches(e, got);
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(index.size(), 0u);
}

// Every REQ by ids or tags names new values: the slots of closed subscriptions go with
// them, or the maps would grow (and slow every lookup) for as long as the relay runs.
TEST(FilterIndex, ClosedSubscriptionsLeaveNoSlots) {
    FilterIndex index;
    Filter shared;
    shared.kinds = std::vector<uint16_t>{1};
    index.add(1, {shared});
    for (FilterIndex::Key k = 2; k < 1002; ++k) {
        Filter f;
        Id id{};
        id[0] = uint8_t(k);
        id[1] = uint8_t(k >> 8);
        f.ids = std::vector<Id>{id};
        Filter t;
        t.tags = {{'e', {std::to_string(k)}}};
        index.add(k, {f, t, shared});
        index.remove(k);
    }
    EXPECT_EQ(index.size(), 1u);
    EXPECT_EQ(index.slots(), 1u);  // kind 1, still held by subscription 1
    Event e;
    e.kind = 1;
    std::vector<FilterIndex::Key> got;
    index.matches(e, got);
    EXPECT_EQ(got, (std::vector<FilterIndex::Key>{1}));
}

}  // namespace
}  // namespace wsn::nostr
