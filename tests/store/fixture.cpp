#include "fixture.hpp"

#include <libpq-fe.h>
#include <lmdb.h>

#include "pg_support.hpp"
#include "store/lmdb/schema.hpp"

namespace wsn::store::test {

void StoreTest::SetUp() {
    std::string tmpl = "/tmp/wsn-store-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    dir_ = root_ + "/data";  // the LMDB store creates it
    if (!lmdb()) {
        db_ = create_test_database();
        url_ = db_.url;
    }
    open();
}

void StoreTest::TearDown() {
    store_.reset();
    std::filesystem::remove_all(root_);
    if (!lmdb()) drop_test_database(db_);
}

Options StoreTest::options(bool sync) const {
    Options o;
    o.backend = GetParam();
    o.lmdb = LmdbOptions{.dir = dir_, .map_size = 1ull << 30, .sync = sync};
    o.postgres.url = url_;
    return o;
}

std::map<std::string, uint64_t> StoreTest::entries() {
    if (!lmdb()) {
        std::map<std::string, uint64_t> out;
        const std::pair<const char*, const char*> counts[] = {
            {"events", "SELECT count(*) FROM wsn_events"},
            {"tag", "SELECT count(*) FROM wsn_tags"},
            {"expiration", "SELECT count(*) FROM wsn_events WHERE expires_at IS NOT NULL"},
            {"replace", "SELECT count(*) FROM wsn_events WHERE slot IS NOT NULL"},
            {"deleted_id", "SELECT count(*) FROM wsn_deleted_ids"},
            {"deleted_addr", "SELECT count(*) FROM wsn_deleted_addrs"},
        };
        PGconn* c = PQconnectdb(url_.c_str());
        EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
        for (auto [name, sql] : counts) {
            PGresult* r = PQexec(c, sql);
            EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
            out[name] = PQntuples(r) ? std::stoull(PQgetvalue(r, 0, 0)) : 0;
            PQclear(r);
        }
        PQfinish(c);
        return out;
    }
    namespace schema = lmdb::schema;
    store_.reset();
    std::map<std::string, uint64_t> out;
    MDB_env* env = nullptr;
    EXPECT_EQ(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, schema::kDatabaseCount);
    EXPECT_EQ(mdb_env_open(env, dir_.c_str(), MDB_RDONLY, 0644), 0);
    MDB_txn* txn = nullptr;
    EXPECT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), 0);
    for (const char* name : schema::kDatabases) {
        if (name == std::string_view(schema::kMeta)) continue;  // not an index: holds the version
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

}  // namespace wsn::store::test
