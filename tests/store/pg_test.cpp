// What only the PostgreSQL backend has: the schema made and upgraded by whoever starts
// first, frontends racing on one replaceable slot, the live feed (gaps left by two
// writers committing out of order, the slow poll, ephemeral events of any size), reads
// from a replica, and its errors.
#include <libpq-fe.h>
#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include "fixture.hpp"
#include "store/postgres/conn.hpp"
#include "store/postgres/feed.hpp"
#include "store/postgres/pg_store.hpp"

namespace wsn::store::test {
namespace {

using PgTest = StoreTest;
using W = WriteOutcome;

// A connection of the test's own, for what a frontend never does (hold a transaction open).
struct Raw {
    PGconn* c;
    explicit Raw(const std::string& url) : c(PQconnectdb(url.c_str())) {
        EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
    }
    ~Raw() { PQfinish(c); }
    std::string exec(const std::string& sql) {
        PGresult* r = PQexec(c, sql.c_str());
        EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
            << sql << ": " << PQresultErrorMessage(r);
        std::string v = PQntuples(r) ? PQgetvalue(r, 0, 0) : "";
        PQclear(r);
        return v;
    }
    // Inserts an event as a second writer would, taking its seq now.
    void insert(const nostr::Event& e) {
        exec("INSERT INTO wsn_events (id, pubkey, created_at, kind, json) VALUES ('\\x" + hex_id(e) + "', '\\x" +
             e.pubkey.hex() + "', " + std::to_string(e.created_at) + ", " + std::to_string(e.kind) + ", '" +
             nostr::to_json(e) + "')");
    }
};

// Reads the feed until `want` (JSON) has come by, or `within` passes; returns all it read.
std::set<std::string> read_until(Feed& feed, const std::string& want, std::chrono::milliseconds within) {
    std::set<std::string> seen;
    auto end = std::chrono::steady_clock::now() + within;
    while (!seen.count(want) && std::chrono::steady_clock::now() < end) {
        auto b = feed.next(std::chrono::milliseconds(100));
        EXPECT_TRUE(b.ok()) << b.error().message;
        if (!b) break;
        seen.insert(b->stored.begin(), b->stored.end());
        seen.insert(b->ephemeral.begin(), b->ephemeral.end());
    }
    return seen;
}

void drain(Feed& feed) {
    for (int i = 0; i < 20; ++i)
        if (auto b = feed.next(std::chrono::milliseconds(50)); b && b->number == 0) return;
}

TEST_P(PgTest, TwoWritersCommittingOutOfOrderLoseNothing) {
    auto feed = store_->feed();
    ASSERT_TRUE(feed);
    drain(*feed);
    auto early = make(0, kNow, 1, {}, "takes its number first, commits last");
    auto late = make(1, kNow, 1, {}, "takes its number second, commits first");
    Raw a(url_);
    a.exec("BEGIN");
    a.insert(early);
    ASSERT_EQ(put(late), W::stored);
    auto seen = read_until(*feed, nostr::to_json(late), std::chrono::seconds(5));
    EXPECT_TRUE(seen.count(nostr::to_json(late)));
    EXPECT_FALSE(seen.count(nostr::to_json(early)));
    EXPECT_EQ(dynamic_cast<pg::PgFeed&>(*feed).open_gaps(), 1u);
    a.exec("COMMIT");  // no NOTIFY from this writer: the slow poll finds it
    seen = read_until(*feed, nostr::to_json(early), std::chrono::seconds(5));
    EXPECT_TRUE(seen.count(nostr::to_json(early)));
    EXPECT_EQ(dynamic_cast<pg::PgFeed&>(*feed).open_gaps(), 0u);

    // A number whose transaction rolls back is a gap that closes by itself.
    Raw b(url_);
    b.exec("BEGIN");
    b.insert(make(2, kNow, 1, {}, "rolled back"));
    auto after = make(3, kNow, 1, {}, "after the rollback's number");
    ASSERT_EQ(put(after), W::stored);
    read_until(*feed, nostr::to_json(after), std::chrono::seconds(5));
    EXPECT_EQ(dynamic_cast<pg::PgFeed&>(*feed).open_gaps(), 1u);
    b.exec("ROLLBACK");
    put(make(3, kNow, 1, {}, "a commit after the rollback ends the wait"));
    // Snapshots' xmin is cluster-wide: a write transaction of a test running beside this one
    // holds the gap open until it ends, so wait by the clock, not by a count of short reads.
    for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
         dynamic_cast<pg::PgFeed&>(*feed).open_gaps() != 0 && std::chrono::steady_clock::now() < end;)
        ASSERT_TRUE(feed->next(std::chrono::milliseconds(100)).ok());
    EXPECT_EQ(dynamic_cast<pg::PgFeed&>(*feed).open_gaps(), 0u);
}

TEST_P(PgTest, EphemeralEventsOfAnySizeCrossThroughTheFeed) {
    auto feed = store_->feed();
    drain(*feed);
    std::vector<std::string> sent = {nostr::to_json(make(0, kNow, 20001, {}, "small")),
                                     nostr::to_json(make(0, kNow, 20001, {}, std::string(20000, 'x')))};
    ASSERT_TRUE(store_->publish(sent).ok());
    auto seen = read_until(*feed, sent[1], std::chrono::seconds(5));
    EXPECT_TRUE(seen.count(sent[0]));
    EXPECT_TRUE(seen.count(sent[1]));  // past the 8000-byte payload limit, by table row
    EXPECT_TRUE(query(nostr::Filter{}).empty());  // and never stored
}

TEST_P(PgTest, TwoFrontendsRacingOnOneSlotLeaveOneEvent) {
    auto other = store::open(options());
    ASSERT_TRUE(other.ok()) << other.error().message;
    std::vector<nostr::Event> mine, theirs;
    for (int i = 0; i < 40; ++i) {
        mine.push_back(make(0, kNow - 100 + i * 2, 0, {}, "A" + std::to_string(i)));
        theirs.push_back(make(0, kNow - 99 + i * 2, 0, {}, "B" + std::to_string(i)));
    }
    auto writes = [](Store& s, const std::vector<nostr::Event>& evs) {
        for (const auto& e : evs) {
            WriteItem item(e);
            EXPECT_TRUE(s.write(std::span(&item, 1), kNow).ok());
        }
    };
    std::thread a([&] { writes(*store_, mine); });
    std::thread b([&] { writes(**other, theirs); });
    a.join();
    b.join();
    nostr::Filter profiles;
    profiles.kinds = {0};
    EXPECT_EQ(query(profiles), std::vector<std::string>{hex_id(theirs.back())});  // the newest
    EXPECT_EQ(entries()["events"], 1u);
}

TEST_P(PgTest, FrontendsStartingTogetherMakeTheSchemaOnce) {
    TestDatabase fresh = create_test_database();
    PostgresOptions o{fresh.url, "", 1};
    std::vector<std::thread> starts;
    std::atomic<int> ok{0};
    for (int i = 0; i < 4; ++i)
        starts.emplace_back([&] {
            auto s = pg::PgStore::open(o);
            EXPECT_TRUE(s.ok()) << s.error().message;
            ok += s.ok();
        });
    for (auto& t : starts) t.join();
    EXPECT_EQ(ok, 4);
    EXPECT_EQ(Raw(fresh.url).exec("SELECT value FROM wsn_meta WHERE key = 'version'"), "1");
    drop_test_database(fresh);
}

TEST_P(PgTest, RefusesANewerSchemaAndAnUnreachableServer) {
    Raw(url_).exec("UPDATE wsn_meta SET value = '99' WHERE key = 'version'");
    store_.reset();
    auto s = store::open(options());
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("schema version 99"), std::string::npos) << s.error().message;
    Raw(url_).exec("UPDATE wsn_meta SET value = '1' WHERE key = 'version'");

    auto gone = pg::PgStore::open({"postgresql://wsn:hunter2@/wsn?host=/tmp/wsn-no-such-server&port=9", "", 1});
    ASSERT_FALSE(gone.ok());
    EXPECT_NE(gone.error().message.find("cannot connect to postgresql://wsn:***@/wsn?host=/tmp/wsn-no-such-server"),
              std::string::npos)
        << gone.error().message;
    EXPECT_EQ(gone.error().message.find("hunter2"), std::string::npos);
}

// Runs one REQ-like query step; returns the error it threw ("" if none) and how long it took.
std::pair<std::string, std::chrono::milliseconds> timed_query(Store& s) {
    auto t0 = std::chrono::steady_clock::now();
    std::string error;
    try {
        s.query({nostr::Filter{}}, 500, kNow)->step(kUnbounded, [](const StoredEvent&) {});
    } catch (const DbError& e) {
        error = e.what();
    }
    return {error, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)};
}

TEST_P(PgTest, AStatementPastTheTimeoutIsCancelledByTheServer) {
    Options o = options();
    o.postgres.timeout = std::chrono::milliseconds(300);
    auto s = store::open(o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    Raw holder(url_);
    holder.exec("BEGIN");
    holder.exec("LOCK TABLE wsn_events IN ACCESS EXCLUSIVE MODE");  // every read of it waits
    auto [error, took] = timed_query(**s);
    EXPECT_NE(error.find("statement timeout"), std::string::npos) << error;
    EXPECT_LT(took, std::chrono::seconds(3));
    holder.exec("ROLLBACK");
    EXPECT_EQ(timed_query(**s).first, "");  // the pool's connection is still good
}

TEST_P(PgTest, AServerThatStopsAnsweringIsGivenUp) {
    Options o = options();
    o.postgres.timeout = std::chrono::milliseconds(300);
    o.postgres.pool_size = 1;
    auto s = store::open(o);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(timed_query(**s).first, "");
    // Stop the backend serving the store's one query connection, as a hung server would
    // be: the kernel still acknowledges, nothing answers.
    Raw admin(url_);
    std::string pid = admin.exec(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'wsn' AND datname = current_database() "
        "AND state = 'idle' AND query NOT LIKE 'LISTEN%' AND pid <> pg_backend_pid() ORDER BY backend_start DESC "
        "LIMIT 1");
    ASSERT_FALSE(pid.empty());
    ASSERT_EQ(::kill(std::stoi(pid), SIGSTOP), 0);
    auto [error, took] = timed_query(**s);
    ::kill(std::stoi(pid), SIGCONT);
    EXPECT_TRUE(is_unavailable(error)) << error;
    EXPECT_NE(error.find("no answer in 1300 ms"), std::string::npos) << error;
    EXPECT_LT(took, std::chrono::seconds(4));
    EXPECT_EQ(timed_query(**s).first, "");  // a new connection took its place
}

TEST(PgUrl, PasswordsAreRedacted) {
    using pg::redact_url;
    EXPECT_EQ(redact_url("postgresql://u:pw@h:5432/db"), "postgresql://u:***@h:5432/db");
    EXPECT_EQ(redact_url("postgresql://u@h/db?password=pw&sslmode=require"),
              "postgresql://u@h/db?password=***&sslmode=require");
    EXPECT_EQ(redact_url("host=h password='p w' dbname=x"), "host=h password=*** dbname=x");
    EXPECT_EQ(redact_url("postgresql://h/db"), "postgresql://h/db");
}

INSTANTIATE_TEST_SUITE_P(Postgres, PgTest, ::testing::Values(Backend::postgres), backend_name);

}  // namespace
}  // namespace wsn::store::test
