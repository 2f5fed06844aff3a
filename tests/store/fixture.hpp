#pragma once
// A store in a fresh folder under /tmp (removed after each test), signed test
// events, and helpers to write events and run queries.
#include <gtest/gtest.h>
#include <lmdb.h>
#include <stdlib.h>

#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "nostr/parser.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"

namespace wsn::store::test {

inline constexpr int64_t kNow = 1'700'000'000;
inline constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();

inline const crypto::SecretKey& key(int i) {
    static const crypto::SecretKey keys[] = {crypto::SecretKey::generate(), crypto::SecretKey::generate(),
                                             crypto::SecretKey::generate(), crypto::SecretKey::generate()};
    return keys[i];
}

inline nostr::Event make(int who, int64_t created_at, uint16_t kind, std::vector<nostr::Tag> tags = {},
                         std::string content = "") {
    return nostr::make_signed(key(who), created_at, kind, std::move(tags), std::move(content));
}

inline std::string hex_id(const nostr::Event& e) { return nostr::id_hex(e.id); }

class StoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = "/tmp/wsn-store-test-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
        dir_ = root_ + "/data";  // Store::open creates it
        open();
    }
    void TearDown() override {
        store_.reset();
        std::filesystem::remove_all(root_);
    }

    void open(bool sync = false) {
        store_.reset();
        auto s = Store::open(Options{.dir = dir_, .map_size = 1ull << 30, .sync = sync});
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(*s);
    }

    std::vector<WriteOutcome> put_all(const std::vector<nostr::Event>& events, int64_t now = kNow) {
        std::vector<WriteItem> batch;
        for (const auto& e : events) batch.push_back({e, nostr::to_json(e)});
        auto r = store_->write(batch, now);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? *r : std::vector<WriteOutcome>{};
    }
    WriteOutcome put(const nostr::Event& e, int64_t now = kNow) { return put_all({e}, now).at(0); }

    // Event ids (hex) in the order the query sends them; a fresh read
    // transaction for every step, as a relay slicing queries would use.
    std::vector<std::string> query(std::vector<nostr::Filter> filters, uint64_t budget = kUnbounded,
                                   int64_t now = kNow, uint64_t max_limit = 500) {
        Query q(std::move(filters), max_limit, now);
        std::vector<std::string> out;
        for (int steps = 0;; ++steps) {
            EXPECT_LT(steps, 1'000'000) << "query does not finish";
            ReadTxn txn = store_->begin_read();
            bool done = q.step(txn, budget, [&](const StoredEvent& ev) {
                auto e = parser_.parse_event(ev.json);
                EXPECT_TRUE(e.ok()) << ev.json;
                if (e.ok()) {
                    EXPECT_EQ(e->created_at, ev.created_at);
                    out.push_back(hex_id(*e));
                }
            });
            if (done || steps >= 1'000'000) return out;
        }
    }
    std::vector<std::string> query(nostr::Filter f) { return query(std::vector<nostr::Filter>{std::move(f)}); }

    uint64_t count(std::vector<nostr::Filter> filters, int64_t now = kNow) {
        ReadTxn txn = store_->begin_read();
        return store_->count(txn, filters, now);
    }

    // Entries per sub-database, read with raw LMDB while the store is closed.
    std::map<std::string, uint64_t> entries() {
        store_.reset();
        std::map<std::string, uint64_t> out;
        MDB_env* env = nullptr;
        EXPECT_EQ(mdb_env_create(&env), 0);
        mdb_env_set_maxdbs(env, schema::kDatabaseCount);
        EXPECT_EQ(mdb_env_open(env, dir_.c_str(), MDB_RDONLY, 0644), 0);
        MDB_txn* txn = nullptr;
        EXPECT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), 0);
        for (const char* name : {schema::kEvents, schema::kId, schema::kCreatedAt, schema::kPubkey, schema::kKind,
                                 schema::kPubkeyKind, schema::kTag, schema::kReplace, schema::kDeletedId,
                                 schema::kDeletedAddr, schema::kExpiration}) {
            MDB_dbi dbi;
            EXPECT_EQ(mdb_dbi_open(txn, name, 0, &dbi), 0) << name;
            MDB_stat st;
            EXPECT_EQ(mdb_stat(txn, dbi, &st), 0);
            out[name] = st.ms_entries;
        }
        mdb_txn_abort(txn);
        mdb_env_close(env);
        open();
        return out;
    }

    std::string root_, dir_;
    std::unique_ptr<Store> store_;
    nostr::Parser parser_;
};

inline nostr::Filter ids_filter(std::initializer_list<const nostr::Event*> events) {
    nostr::Filter f;
    f.ids.emplace();
    for (const auto* e : events) f.ids->push_back(e->id);
    f.normalize();
    return f;
}

}  // namespace wsn::store::test
