// The write rules: duplicates, replaceable and addressable slots, NIP-09
// deletions, NIP-40 expiration, count, erase, reopening; and that removing an
// event leaves no entry behind in any index.
#include <atomic>
#include <thread>

#include "fixture.hpp"

namespace wsn::store::test {
namespace {

using W = WriteOutcome;

nostr::Filter kinds_filter(std::vector<uint16_t> kinds) {
    nostr::Filter f;
    f.kinds = std::move(kinds);
    return f;
}

nostr::Filter tag_filter(char name, std::string value) {
    nostr::Filter f;
    f.tags = {{name, {std::move(value)}}};
    return f;
}

std::string coordinate(int who, uint16_t kind, std::string d) {
    return std::to_string(kind) + ":" + key(who).xonly_pubkey().hex() + ":" + d;
}

TEST_P(StoreTest, StoresAndFindsById) {
    auto a = make(0, kNow - 10, 1, {{"t", "x"}}, "hello");
    EXPECT_EQ(put(a), W::stored);
    EXPECT_EQ(query(ids_filter({&a})), std::vector<std::string>{hex_id(a)});
    EXPECT_EQ(store_->event_count(), 1u);
    auto absent = make(0, 1, 1);
    EXPECT_TRUE(query(ids_filter({&absent})).empty());
}

TEST_P(StoreTest, StoredJsonIsServedAsWritten) {
    auto a = make(1, kNow, 1, {{"e", std::string(64, 'a')}}, "quote \" and \\ and \n");
    EXPECT_EQ(put(a), W::stored);
    auto q = store_->query({nostr::Filter{}}, 10, kNow);
    std::vector<std::string> json;
    EXPECT_TRUE(q->step(kUnbounded, [&](const StoredEvent& e) { json.emplace_back(e.json); }));
    EXPECT_EQ(json, std::vector<std::string>{nostr::to_json(a)});
}

TEST_P(StoreTest, DuplicatesInOneBatchAndAcross) {
    auto a = make(0, kNow, 1);
    EXPECT_EQ(put_all({a, a}), (std::vector<W>{W::stored, W::duplicate}));
    EXPECT_EQ(put(a), W::duplicate);
    EXPECT_EQ(store_->event_count(), 1u);
    EXPECT_TRUE(outcome_accepted(W::duplicate));
    EXPECT_EQ(outcome_message(W::duplicate).substr(0, 10), "duplicate:");
}

TEST_P(StoreTest, ReplaceableKeepsNewest) {
    auto v1 = make(0, kNow - 20, 0, {{"t", "old"}}, "v1");
    auto v2 = make(0, kNow - 10, 0, {{"t", "new"}}, "v2");
    auto older = make(0, kNow - 15, 0, {}, "late but older");
    auto other = make(1, kNow - 30, 0, {}, "another author");
    EXPECT_EQ(put(v1), W::stored);
    EXPECT_EQ(put_all({v2, other}), (std::vector<W>{W::stored, W::stored}));
    EXPECT_EQ(put(older), W::replaced_by_newer);
    EXPECT_FALSE(outcome_accepted(W::replaced_by_newer));
    EXPECT_EQ(query(kinds_filter({0})), (std::vector<std::string>{hex_id(v2), hex_id(other)}));
    EXPECT_TRUE(query(ids_filter({&v1, &older})).empty());
    EXPECT_TRUE(query(tag_filter('t', "old")).empty());
    EXPECT_EQ(query(tag_filter('t', "new")), std::vector<std::string>{hex_id(v2)});
    auto n = entries();
    EXPECT_EQ(n["events"], 2u);
    if (lmdb()) {
        for (const char* idx : {"id", "created_at", "pubkey", "kind", "pubkey_kind", "replace"})
            EXPECT_EQ(n[idx], 2u) << idx;
    }
    EXPECT_EQ(n["tag"], 1u);
}

TEST_P(StoreTest, ReplaceableTieKeepsLowestId) {
    auto a = make(2, kNow, 10002, {}, "a");
    auto b = make(2, kNow, 10002, {}, "b");
    const auto& low = a.id < b.id ? a : b;
    const auto& high = a.id < b.id ? b : a;
    EXPECT_EQ(put(high), W::stored);
    EXPECT_EQ(put(low), W::stored);
    EXPECT_EQ(put(high), W::replaced_by_newer);
    EXPECT_EQ(query(kinds_filter({10002})), std::vector<std::string>{hex_id(low)});
}

TEST_P(StoreTest, AddressableSlotsAreKeyedByD) {
    auto x1 = make(0, kNow - 10, 30023, {{"d", "x"}}, "x1");
    auto y1 = make(0, kNow - 9, 30023, {{"d", "y"}}, "y1");
    auto x2 = make(0, kNow - 5, 30023, {{"d", "x"}}, "x2");
    auto none = make(0, kNow - 8, 30023, {}, "no d tag is d \"\"");
    auto empty_d = make(0, kNow - 7, 30023, {{"d", ""}}, "explicit empty d");
    EXPECT_EQ(put_all({x1, y1, x2, none}), (std::vector<W>{W::stored, W::stored, W::stored, W::stored}));
    EXPECT_EQ(put(x1), W::replaced_by_newer);  // no longer stored
    EXPECT_EQ(put(x2), W::duplicate);
    EXPECT_EQ(put(empty_d), W::stored);  // replaces `none`: same address
    EXPECT_EQ(query(kinds_filter({30023})), (std::vector<std::string>{hex_id(x2), hex_id(empty_d), hex_id(y1)}));
    EXPECT_EQ(query(tag_filter('d', "x")), std::vector<std::string>{hex_id(x2)});
    auto older_x = make(0, kNow - 6, 30023, {{"d", "x"}});
    EXPECT_EQ(put(older_x), W::replaced_by_newer);
}

TEST_P(StoreTest, DeletionByEventIdOnlyForTheAuthor) {
    auto mine = make(0, kNow - 10, 1, {{"t", "gone"}});
    auto theirs = make(1, kNow - 10, 1);
    auto later = make(0, kNow - 10, 1, {}, "arrives after its deletion");
    EXPECT_EQ(put_all({mine, theirs}), (std::vector<W>{W::stored, W::stored}));
    auto del = make(0, kNow, 5, {{"e", hex_id(mine)}, {"e", hex_id(theirs)}, {"e", hex_id(later)}, {"e", "zz"}});
    EXPECT_EQ(put(del), W::stored);
    EXPECT_TRUE(query(ids_filter({&mine})).empty());
    EXPECT_EQ(query(ids_filter({&theirs})), std::vector<std::string>{hex_id(theirs)});
    EXPECT_TRUE(query(tag_filter('t', "gone")).empty());
    EXPECT_EQ(put(mine), W::deleted);
    EXPECT_EQ(put(later), W::deleted);
    EXPECT_EQ(outcome_message(W::deleted).substr(0, 8), "blocked:");
    // Someone else's deletion request does not block the author.
    auto bob_del = make(1, kNow, 5, {{"e", hex_id(mine)}});
    EXPECT_EQ(put(bob_del), W::stored);
    auto n = entries();
    EXPECT_EQ(n["events"], 3u);  // theirs, del, bob_del
    if (lmdb()) {
        EXPECT_EQ(n["created_at"], 3u);
    }
    EXPECT_EQ(n["tag"], 5u);  // the deletions' e tags: 4 in del ("zz" too), 1 in bob_del
}

TEST_P(StoreTest, DeletionRequestsAreNotDeleted) {
    auto del1 = make(0, kNow - 5, 5, {{"e", std::string(64, '1')}});
    EXPECT_EQ(put(del1), W::stored);
    auto del2 = make(0, kNow, 5, {{"e", hex_id(del1)}});
    EXPECT_EQ(put(del2), W::stored);
    EXPECT_EQ(query(ids_filter({&del1})), std::vector<std::string>{hex_id(del1)});
    EXPECT_EQ(store_->erase(ids_filter({&del1})).value(), 1u);
    EXPECT_EQ(put(del1), W::stored);  // not refused either
}

TEST_P(StoreTest, DeletionByAddress) {
    auto art = make(0, kNow - 100, 30023, {{"d", "art:with:colons"}}, "v1");
    auto other_d = make(0, kNow - 100, 30023, {{"d", "keep"}});
    auto profile = make(0, kNow - 100, 0);
    EXPECT_EQ(put_all({art, other_d, profile}), (std::vector<W>{W::stored, W::stored, W::stored}));
    // Bob cannot delete Alice's address.
    EXPECT_EQ(put(make(1, kNow - 50, 5, {{"a", coordinate(0, 30023, "art:with:colons")}})), W::stored);
    EXPECT_EQ(query(ids_filter({&art})).size(), 1u);

    auto del = make(0, kNow - 50, 5, {{"a", coordinate(0, 30023, "art:with:colons")}, {"a", coordinate(0, 0, "")}});
    EXPECT_EQ(put(del), W::stored);
    EXPECT_TRUE(query(ids_filter({&art, &profile})).empty());
    EXPECT_EQ(query(ids_filter({&other_d})).size(), 1u);
    EXPECT_EQ(put(art), W::deleted);
    EXPECT_EQ(put(make(0, kNow - 50, 30023, {{"d", "art:with:colons"}}, "as old as the deletion")), W::deleted);
    EXPECT_EQ(put(make(0, kNow - 60, 0, {}, "old profile")), W::deleted);
    auto newer = make(0, kNow - 40, 30023, {{"d", "art:with:colons"}}, "v2");
    EXPECT_EQ(put(newer), W::stored);
    EXPECT_EQ(query(ids_filter({&newer})).size(), 1u);
}

TEST_P(StoreTest, LongDTagsAreHashedConsistently) {
    std::string d(300, 'd');
    auto v1 = make(1, kNow - 20, 30000, {{"d", d}});
    auto v2 = make(1, kNow - 10, 30000, {{"d", d}});
    auto near = make(1, kNow - 15, 30000, {{"d", d + "e"}});
    EXPECT_EQ(put_all({v1, v2, near}), (std::vector<W>{W::stored, W::stored, W::stored}));
    EXPECT_EQ(query(tag_filter('d', d)), std::vector<std::string>{hex_id(v2)});
    EXPECT_EQ(put(make(1, kNow, 5, {{"a", coordinate(1, 30000, d)}})), W::stored);
    EXPECT_EQ(query(kinds_filter({30000})), std::vector<std::string>{hex_id(near)});
    EXPECT_EQ(put(v2), W::deleted);
}

TEST_P(StoreTest, DeletionInTheSameBatch) {
    auto a = make(0, kNow - 10, 1);
    auto del = make(0, kNow, 5, {{"e", hex_id(a)}});
    EXPECT_EQ(put_all({a, del, a}), (std::vector<W>{W::stored, W::stored, W::deleted}));
    EXPECT_TRUE(query(ids_filter({&a})).empty());
    EXPECT_EQ(put(a), W::deleted);
}

TEST_P(StoreTest, ExpirationAtWriteAndPurge) {
    auto past = make(0, kNow - 10, 1, {{"expiration", std::to_string(kNow - 1)}});
    auto now_exactly = make(0, kNow - 10, 1, {{"expiration", std::to_string(kNow)}});
    auto soon = make(0, kNow - 10, 1, {{"expiration", std::to_string(kNow + 10)}});
    auto later = make(0, kNow - 10, 1, {{"expiration", std::to_string(kNow + 20)}});
    auto huge = make(0, kNow - 10, 1, {{"expiration", "99999999999999999999"}});  // not a u64: ignored
    auto never = make(0, kNow - 10, 1, {{"expiration", "18446744073709551615"}});
    EXPECT_EQ(put_all({past, now_exactly, soon, later, huge, never}),
              (std::vector<W>{W::expired, W::expired, W::stored, W::stored, W::stored, W::stored}));
    EXPECT_FALSE(outcome_accepted(W::expired));
    nostr::Filter all;
    EXPECT_EQ(count({all}), 4u);
    EXPECT_EQ(count({all}, kNow + 10), 3u);  // skipped at read time, still stored
    EXPECT_EQ(store_->event_count(), 4u);
    auto purged = store_->purge_expired(kNow + 100, 1);  // bounded
    ASSERT_TRUE(purged.ok());
    EXPECT_EQ(*purged, 1u);
    purged = store_->purge_expired(kNow + 100, 100);
    ASSERT_TRUE(purged.ok());
    EXPECT_EQ(*purged, 1u);
    EXPECT_EQ(store_->event_count(), 2u);
    EXPECT_EQ(query(ids_filter({&huge, &never})).size(), 2u);
    EXPECT_EQ(entries()["expiration"], 1u);  // `never`
}

TEST_P(StoreTest, CountDeduplicatesAcrossFilters) {
    std::vector<nostr::Event> evs;
    for (int i = 0; i < 10; ++i) evs.push_back(make(i % 2, kNow - i, i < 5 ? 1 : 7));
    put_all(evs);
    nostr::Filter k1 = kinds_filter({1});
    k1.limit = 1;  // ignored by count
    nostr::Filter a0;
    a0.authors = {key(0).xonly_pubkey()};
    EXPECT_EQ(count({k1}), 5u);
    EXPECT_EQ(count({a0}), 5u);
    EXPECT_EQ(count({k1, a0}), 7u);  // kind 1: 0..4; author 0: 0,2,4,6,8
    EXPECT_EQ(count({}), 0u);
}

TEST_P(StoreTest, EraseRemovesMatchesFromEveryIndex) {
    std::vector<nostr::Event> evs;
    for (int i = 0; i < 12; ++i)
        evs.push_back(make(i % 3, kNow - i, 1, {{"t", "w" + std::to_string(i % 2)}, {"expiration", std::to_string(kNow + 99)}}));
    put_all(evs);
    nostr::Filter f;
    f.authors = {key(1).xonly_pubkey()};
    f.limit = 1;  // ignored by erase
    auto erased = store_->erase(f);
    ASSERT_TRUE(erased.ok());
    EXPECT_EQ(*erased, 4u);
    EXPECT_TRUE(query(f).empty());
    EXPECT_EQ(query(kinds_filter({1})).size(), 8u);
    auto n = entries();
    for (const char* idx : {"events", "tag", "expiration"}) EXPECT_EQ(n[idx], 8u) << idx;
    if (lmdb()) {
        for (const char* idx : {"id", "created_at", "pubkey", "kind", "pubkey_kind"}) EXPECT_EQ(n[idx], 8u) << idx;
    }
    EXPECT_EQ(put(evs[1]), W::stored);  // erase is not a deletion: it may come back
}

TEST_P(StoreTest, ReopenFindsEverything) {
    std::vector<nostr::Event> evs;
    for (int i = 0; i < 30; ++i) evs.push_back(make(i % 4, kNow, 1, {{"p", key(3).xonly_pubkey().hex()}}, std::to_string(i)));
    put_all(evs);
    auto del = make(0, kNow, 5, {{"e", hex_id(evs[0])}});
    put(del);
    auto before = query(nostr::Filter{});
    open();
    EXPECT_EQ(query(nostr::Filter{}), before);
    EXPECT_EQ(put(evs[0]), W::deleted);
    // New events continue the sequence: newest first among equal created_at.
    auto fresh = make(1, kNow, 1);
    put(fresh);
    EXPECT_EQ(query(nostr::Filter{}).front(), hex_id(fresh));
    EXPECT_EQ(store_->event_count(), 31u);  // 30 - 1 deleted + del + fresh
}

TEST_P(StoreTest, SettingsAreKeptApartFromEventsAndSurviveReopening) {
    EXPECT_EQ(*store_->setting("nip86"), "");  // never set
    ASSERT_TRUE(store_->put_setting("nip86", "{\"a\":1}").ok());
    ASSERT_TRUE(store_->put_setting("other", "ünïcode ✓").ok());
    ASSERT_TRUE(store_->put_setting("nip86", "{\"a\":2}").ok());  // replaced
    put(make(0, kNow, 1));
    open();
    EXPECT_EQ(*store_->setting("nip86"), "{\"a\":2}");
    EXPECT_EQ(*store_->setting("version"), "");  // not the schema's own metadata
    EXPECT_EQ(store_->event_count(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::lmdb, Backend::postgres), backend_name);

}  // namespace
}  // namespace wsn::store::test
