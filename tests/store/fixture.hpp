#pragma once
// The store conformance fixture: each test runs once per backend (the test's
// parameter) on a fresh, empty store: LMDB in a folder under /tmp, PostgreSQL in a
// database of its own (pg_support.hpp). Also signed test events, and helpers to
// write events and run queries and counts through the store interface alone.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "nostr/parser.hpp"
#include "pg_support.hpp"
#include "store/open.hpp"
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

// Test names end in /lmdb or /postgres.
inline std::string backend_name(const ::testing::TestParamInfo<Backend>& p) {
    return p.param == Backend::lmdb ? "lmdb" : "postgres";
}

class StoreTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override;     // fixture.cpp
    void TearDown() override;

    bool lmdb() const { return GetParam() == Backend::lmdb; }

    // (Re)opens the store on the same data.
    void open(bool sync = false) {
        store_.reset();
        auto s = store::open(options(sync));
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(*s);
    }
    Options options(bool sync = false) const;

    std::vector<WriteOutcome> put_all(const std::vector<nostr::Event>& events, int64_t now = kNow) {
        std::vector<WriteItem> batch;
        for (const auto& e : events) batch.emplace_back(e);
        auto r = store_->write(batch, now);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? *r : std::vector<WriteOutcome>{};
    }
    WriteOutcome put(const nostr::Event& e, int64_t now = kNow) { return put_all({e}, now).at(0); }

    // Event ids (hex) in the order the query sends them; the query lets go of its
    // snapshot after every step, as a relay pausing queries would.
    std::vector<std::string> query(std::vector<nostr::Filter> filters, uint64_t budget = kUnbounded,
                                   int64_t now = kNow, uint64_t max_limit = 500) {
        auto q = store_->query(std::move(filters), max_limit, now);
        std::vector<std::string> out;
        for (int steps = 0;; ++steps) {
            EXPECT_LT(steps, 1'000'000) << "query does not finish";
            bool done = q->step(budget, [&](const StoredEvent& ev) {
                auto e = parser_.parse_event(ev.json);
                EXPECT_TRUE(e.ok()) << ev.json;
                if (e.ok()) {
                    EXPECT_EQ(e->created_at, ev.created_at);
                    out.push_back(hex_id(*e));
                }
            });
            if (done || steps >= 1'000'000) return out;
            q->release();
        }
    }
    std::vector<std::string> query(nostr::Filter f) { return query(std::vector<nostr::Filter>{std::move(f)}); }

    // The count, letting go of its snapshot after every other step (as the relay does).
    uint64_t count(std::vector<nostr::Filter> filters, int64_t now = kNow, uint64_t budget = 1000) {
        auto c = store_->count(std::move(filters), now);
        for (int steps = 0; !c->step(budget); ++steps) {
            if (steps > 1'000'000) {
                ADD_FAILURE() << "count does not finish";
                break;
            }
            if (steps % 2) c->release();
        }
        return c->total();
    }

    // The rows or entries behind the store's indexes, by name, to check that removing an
    // event leaves nothing behind. LMDB: entries per sub-database (read while the store is
    // closed); PostgreSQL: rows per table.
    std::map<std::string, uint64_t> entries();

    std::string root_, dir_;  // LMDB
    TestDatabase db_;         // PostgreSQL
    std::string url_;
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
