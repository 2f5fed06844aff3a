// Store::scan_ids (NIP-77): exactly the (created_at, id) of the events a REQ without
// limits would send, as events are stored, replaced, deleted and expire; the id of every
// REQ answer; the max_items cut-off. On both backends.
#include <algorithm>

#include "fixture.hpp"

namespace wsn::store::test {
namespace {

using Items = std::vector<std::pair<int64_t, std::string>>;

class ScanIdsTest : public StoreTest {
protected:
    Items scan(std::vector<nostr::Filter> filters, int64_t now = kNow, uint64_t max_items = 1000,
               uint64_t budget = 3) {
        auto s = store_->scan_ids(std::move(filters), max_items, now);
        std::vector<IdItem> got;
        for (int steps = 0; !s->step(budget, got); ++steps)
            if (steps > 100'000) {
                ADD_FAILURE() << "scan does not finish";
                break;
            }
        Items out;
        for (const auto& i : got) out.emplace_back(i.created_at, nostr::id_hex(i.id));
        std::sort(out.begin(), out.end());
        return out;
    }
    static Items items(std::initializer_list<const nostr::Event*> events) {
        Items out;
        for (const auto* e : events) out.emplace_back(e->created_at, hex_id(*e));
        std::sort(out.begin(), out.end());
        return out;
    }
};

TEST_P(ScanIdsTest, FollowsStoresReplacementsDeletionsAndExpiry) {
    auto a = make(0, kNow - 30, 1, {}, "a");
    auto b = make(1, kNow - 20, 1, {{"t", "x"}}, "b");
    auto v1 = make(2, kNow - 25, 0, {}, "profile v1");
    auto expiring = make(3, kNow - 10, 1, {{"expiration", std::to_string(kNow + 100)}});
    put_all({a, b, v1, expiring});
    EXPECT_EQ(scan({nostr::Filter{}}), items({&a, &b, &v1, &expiring}));
    EXPECT_EQ(scan({nostr::Filter{}}, kNow + 100), items({&a, &b, &v1}));  // expired: left out

    auto v2 = make(2, kNow - 5, 0, {}, "profile v2");
    EXPECT_EQ(put(v2), WriteOutcome::stored);
    auto del = make(0, kNow - 1, 5, {{"e", hex_id(a)}});
    EXPECT_EQ(put(del), WriteOutcome::stored);
    EXPECT_EQ(scan({nostr::Filter{}}), items({&b, &v2, &expiring, &del}));

    nostr::Filter tagged;
    tagged.tags = {{'t', {"x"}}};
    nostr::Filter kind0;
    kind0.kinds = std::vector<uint16_t>{0};
    kind0.limit = 0;  // ignored
    EXPECT_EQ(scan({tagged, kind0, tagged}), items({&b, &v2}));  // each event once
}

TEST_P(ScanIdsTest, StopsAfterMoreThanMaxItems) {
    std::vector<nostr::Event> events;
    for (int i = 0; i < 12; ++i) events.push_back(make(i % 4, kNow - i, 1, {}, std::to_string(i)));
    put_all(events);
    EXPECT_EQ(scan({nostr::Filter{}}, kNow, 12).size(), 12u);
    EXPECT_EQ(scan({nostr::Filter{}}, kNow, 5).size(), 6u);  // one more than allowed: "too many"
    EXPECT_EQ(scan({nostr::Filter{}}, kNow, UINT64_MAX).size(), 12u);  // no bound (wsn sync's own store)
}

TEST_P(ScanIdsTest, QueryAnswersCarryTheirIds) {
    auto a = make(0, kNow, 1);
    put(a);
    auto q = store_->query({nostr::Filter{}}, 10, kNow);
    std::vector<std::string> ids;
    EXPECT_TRUE(q->step(kUnbounded, [&](const StoredEvent& e) { ids.push_back(nostr::id_hex(e.id)); }));
    EXPECT_EQ(ids, std::vector<std::string>{hex_id(a)});
}

INSTANTIATE_TEST_SUITE_P(Backends, ScanIdsTest, ::testing::Values(Backend::lmdb, Backend::postgres), backend_name);

}  // namespace
}  // namespace wsn::store::test
