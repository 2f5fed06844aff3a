// What only the LMDB backend has: its schema version check, its errors on open, read
// transactions moving between threads, and index steps as the unit of a query's budget.
#include <lmdb.h>

#include <atomic>
#include <optional>
#include <thread>

#include "fixture.hpp"
#include "store/lmdb/lmdb_store.hpp"
#include "store/lmdb/schema.hpp"

namespace wsn::store::test {
namespace {

using LmdbTest = StoreTest;

TEST_P(LmdbTest, RefusesAnotherSchemaVersion) {
    store_.reset();
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, lmdb::schema::kDatabaseCount);
    ASSERT_EQ(mdb_env_open(env, dir_.c_str(), 0, 0644), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi meta;
    ASSERT_EQ(mdb_dbi_open(txn, lmdb::schema::kMeta, 0, &meta), 0);
    std::string key(lmdb::schema::kMetaVersion), value("\0\0\0\x63", 4);
    MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
    ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    auto s = lmdb::LmdbStore::open(LmdbOptions{.dir = dir_, .map_size = 1 << 20, .sync = false});
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("schema version 99"), std::string::npos) << s.error().message;
}

TEST_P(LmdbTest, OpenFailsClearly) {
    auto bad = lmdb::LmdbStore::open(LmdbOptions{.dir = "/proc/wsn-no-such-place", .map_size = 1 << 20, .sync = true});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("/proc/wsn-no-such-place"), std::string::npos) << bad.error().message;
}

// Readers on several threads while the writer commits: each snapshot is
// consistent (whole batches only) and a ReadTxn may move between threads.
TEST_P(StoreTest, ReadersOnThreadsDuringWrites) {
    constexpr int kBatches = 30, kPer = 10;
    std::vector<std::vector<nostr::Event>> batches(kBatches);
    for (int b = 0; b < kBatches; ++b)
        for (int i = 0; i < kPer; ++i) batches[b].push_back(make(i % 2, kNow - b, 1, {}, std::to_string(b * kPer + i)));
    std::atomic<bool> done{false};
    std::atomic<int> bad{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 3; ++r)
        readers.emplace_back([&] {
            uint64_t last = 0;
            while (!done) {
                auto c = store_->count(std::vector<nostr::Filter>{nostr::Filter{}}, kNow);  // takes its snapshot
                // Used on another thread than the one that began it (MDB_NOTLS).
                std::thread([&] {
                    while (!c->step(kUnbounded)) {
                    }
                }).join();
                uint64_t n = c->total();
                if (n % kPer != 0 || n < last) ++bad;
                last = n;
            }
        });
    for (auto& b : batches) put_all(b);
    done = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(count({nostr::Filter{}}), uint64_t(kBatches * kPer));
}

TEST_P(LmdbTest, BudgetBoundsTheWorkOfOneStep) {
    std::vector<nostr::Event> evs;
    for (int i = 0; i < 50; ++i) evs.push_back(make(i % 4, kNow - i, 1));
    put_all(evs);
    auto q = store_->query({nostr::Filter{}}, 1000, kNow);
    size_t sent = 0;
    EXPECT_FALSE(q->step(10, [&](const StoredEvent&) { ++sent; }));
    EXPECT_LE(sent, 10u);
    EXPECT_GT(sent, 0u);
}

TEST_P(LmdbTest, AFullMapRefusesNewEventsAsStorageFullButNotDuplicates) {
    store_.reset();
    auto s = lmdb::LmdbStore::open(LmdbOptions{.dir = dir_ + "-small", .map_size = 1 << 20, .sync = false});
    ASSERT_TRUE(s.ok()) << s.error().message;
    auto& small = *s;
    const nostr::Event first = make(0, kNow, 1, {}, std::string(30000, 'a'));
    auto put = [&](const nostr::Event& e) { return small->write(std::vector<WriteItem>{WriteItem(e)}, kNow); };
    ASSERT_TRUE(put(first).ok());
    std::optional<Error> full;
    for (int i = 1; i < 100 && !full; ++i)
        if (auto r = put(make(0, kNow + i, 1, {}, std::string(30000, 'a'))); !r) full = r.error();
    ASSERT_TRUE(full) << "1 MiB held 100 events of 30 KB";
    EXPECT_TRUE(is_storage_full(*full)) << full->message;
    EXPECT_TRUE(full->message.starts_with("storage full: ")) << full->message;
    auto dup = put(first);  // needs no new page
    ASSERT_TRUE(dup.ok()) << dup.error().message;
    EXPECT_EQ((*dup)[0], WriteOutcome::duplicate);
    EXPECT_FALSE(is_storage_full(Error{"store: begin transaction: something else"}));
    std::filesystem::remove_all(dir_ + "-small");
}

INSTANTIATE_TEST_SUITE_P(Lmdb, LmdbTest, ::testing::Values(Backend::lmdb), backend_name);

}  // namespace
}  // namespace wsn::store::test
