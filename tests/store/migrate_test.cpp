// Schema version 1 -> 2 at open: records holding the text a client sent (pretty-printed,
// CRLF, \/ and \u escapes) come out as the compact JSON, the indexes still find them,
// and a record that does not parse stops the open and leaves the database as it was.
#include <functional>

#include "fixture.hpp"
#include "store/lmdb/env.hpp"
#include "store/lmdb/lmdb_store.hpp"
#include "store/lmdb/record.hpp"
#include "store/lmdb/schema.hpp"

namespace wsn::store::test {
namespace {

namespace schema = lmdb::schema;
using lmdb::decode_record;

// The compact JSON as a client might have sent it: a line break after every comma
// outside strings (CRLF, then an indent), '/' as "\/" and 'a' as "\u0061" (inside
// strings, the only place either occurs).
std::string spelled(std::string_view json) {
    std::string out;
    bool in_string = false;
    for (size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (in_string && c == '\\') {
            out += c;
            out += json[++i];
            continue;
        }
        if (c == '"') in_string = !in_string;
        if (c == '/') out += "\\/";
        else if (c == 'a') out += "\\u0061";
        else out += c;
        if (!in_string && (c == ',' || c == '{')) out += "\r\n  ";
    }
    return out + "\n";
}

// The store's files opened with LMDB itself, to do what a Store cannot.
struct RawDb {
    lmdb::Env env;
    lmdb::Txn txn;
    MDB_dbi meta = 0, events = 0;

    RawDb(const std::string& dir, bool read_only)
        : env(lmdb::Env::open(dir, 1ull << 30, schema::kDatabaseCount, 126, 0)), txn(env.get(), read_only) {
        lmdb::check(mdb_dbi_open(txn.get(), schema::kMeta, 0, &meta), "meta");
        lmdb::check(mdb_dbi_open(txn.get(), schema::kEvents, 0, &events), "events");
    }
};

class MigrateTest : public StoreTest {
protected:
    // Closes the store and makes it a version-1 database whose records hold
    // respell(compact JSON) instead.
    void make_version_1(const std::function<std::string(std::string_view)>& respell) {
        store_.reset();
        RawDb db(dir_, false);
        std::vector<std::pair<std::string, std::string>> records;
        {
            lmdb::Cursor cur(db.txn.get(), db.events);
            MDB_val k, d;
            for (bool more = cur.get(k, d, MDB_FIRST); more; more = cur.get(k, d, MDB_NEXT)) {
                std::string_view value = lmdb::view(d);
                auto r = decode_record(value);
                ASSERT_TRUE(r);
                records.emplace_back(lmdb::view(k),
                                     std::string(value.substr(0, value.size() - r->json.size())) + respell(r->json));
            }
        }
        for (const auto& [k, v] : records) lmdb::put(db.txn.get(), db.events, k, v);
        std::string one;
        schema::put_u32(one, 1);
        lmdb::put(db.txn.get(), db.meta, schema::kMetaVersion, one);
        db.txn.commit();
    }

    // The stored schema version and every record's JSON, read with the store closed.
    std::pair<uint32_t, std::vector<std::string>> contents() {
        store_.reset();
        RawDb db(dir_, true);
        auto v = lmdb::get(db.txn.get(), db.meta, schema::kMetaVersion);
        uint32_t version = v && v->size() == 4 ? schema::get_u32(reinterpret_cast<const uint8_t*>(v->data())) : 0;
        std::vector<std::string> json;
        lmdb::Cursor cur(db.txn.get(), db.events);
        MDB_val k, d;
        for (bool more = cur.get(k, d, MDB_FIRST); more; more = cur.get(k, d, MDB_NEXT))
            json.emplace_back(decode_record(lmdb::view(d))->json);
        return {version, json};
    }

    std::vector<std::string> served_json() {
        auto q = store_->query({nostr::Filter{}}, kUnbounded, kNow);
        std::vector<std::string> out;
        EXPECT_TRUE(q->step(kUnbounded, [&](const StoredEvent& e) { out.emplace_back(e.json); }));
        return out;
    }
};

TEST_P(MigrateTest, ClientTextBecomesTheCompactForm) {
    std::vector<nostr::Event> events = {
        make(0, kNow - 3, 1, {{"t", "a/b"}, {"e", std::string(64, 'a')}}, "line\r\nquote\" slash/ \\ \x01 é 😀"),
        make(1, kNow - 2, 30023, {{"d", "slug/a"}}, "an article"),
        make(2, kNow - 1, 0, {}, "{\"name\":\"a\"}"),
    };
    put_all(events);
    make_version_1(spelled);
    auto [v1, before] = contents();
    ASSERT_EQ(v1, 1u);
    ASSERT_EQ(before.size(), 3u);
    EXPECT_NE(before[0].find("\r\n"), std::string::npos);  // the test really starts from client text

    open();
    auto [v2, after] = contents();
    EXPECT_EQ(v2, schema::kVersion);
    std::vector<std::string> expected;
    for (const auto& e : events) expected.push_back(nostr::to_json(e));
    EXPECT_EQ(after, expected);  // in seq order, as written
    open();
    EXPECT_EQ(served_json(), (std::vector<std::string>{expected[2], expected[1], expected[0]}));
    nostr::Filter by_tag;
    by_tag.tags = {{'t', {"a/b"}}};
    EXPECT_EQ(query(by_tag), std::vector<std::string>{hex_id(events[0])});
    nostr::Filter by_d;
    by_d.tags = {{'d', {"slug/a"}}};
    EXPECT_EQ(query(by_d), std::vector<std::string>{hex_id(events[1])});
    EXPECT_EQ(put(events[1]), WriteOutcome::duplicate);
    EXPECT_EQ(store_->event_count(), 3u);
}

// More records than one migration transaction takes, so it resumes by key. The store
// does not check signatures, so copies of one event under new ids will do.
TEST_P(MigrateTest, ManyRecordsAcrossTransactions) {
    nostr::Event base = make(0, kNow, 1, {{"t", "x"}}, "many\nlines");
    std::vector<nostr::Event> events;
    for (uint32_t i = 0; i < 12000; ++i) {
        nostr::Event e = base;
        e.id[0] = uint8_t(i >> 8);
        e.id[1] = uint8_t(i);
        e.created_at = kNow - i % 100;
        events.push_back(std::move(e));
    }
    put_all(events);
    make_version_1(spelled);
    open();
    auto [version, json] = contents();
    EXPECT_EQ(version, schema::kVersion);
    ASSERT_EQ(json.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) ASSERT_EQ(json[i], nostr::to_json(events[i])) << i;
}

TEST_P(MigrateTest, ARecordThatDoesNotParseStopsTheOpen) {
    std::vector<nostr::Event> events = {make(0, kNow - 1, 1, {}, "fine"), make(0, kNow, 1, {}, "broken")};
    put_all(events);
    make_version_1([](std::string_view json) {
        std::string s = spelled(json);
        if (json.find("broken") != std::string_view::npos) s.insert(s.find("\"content\""), "\"extra\":1,");
        return s;
    });
    auto [v, before] = contents();
    auto s = lmdb::LmdbStore::open(LmdbOptions{.dir = dir_, .map_size = 1ull << 30, .sync = false});
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("stored event seq 2 does not parse (invalid: unknown event field \"extra\")"),
              std::string::npos)
        << s.error().message;
    auto [still, records] = contents();
    EXPECT_EQ(still, 1u);
    EXPECT_EQ(records, before);
}

INSTANTIATE_TEST_SUITE_P(Lmdb, MigrateTest, ::testing::Values(Backend::lmdb), backend_name);

}  // namespace
}  // namespace wsn::store::test
