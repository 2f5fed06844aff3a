#include "pg_support.hpp"

#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>

namespace wsn::store::test {

namespace {

std::string run(const std::string& cmd) {
    std::string out;
    FILE* f = popen(cmd.c_str(), "r");
    if (!f) throw std::runtime_error("cannot run " + cmd);
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    if (pclose(f) != 0) throw std::runtime_error(cmd + " failed");
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

const std::string kScript = std::string(WSN_SOURCE_DIR) + "/scripts/pg.sh";

// The server's folder: the fixture's, or one started now (and destroyed at exit).
const std::string& server_dir() {
    static const std::string dir = [] {
        if (const char* d = getenv("WSN_TEST_PG_DIR"); d && *d) return std::string(d);
        std::string tmpl = "/tmp/wsn-pg-test-XXXXXX";
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        run(kScript + " start " + tmpl + " --fast");
        static std::string owned = tmpl;
        std::atexit([] { std::system((kScript + " destroy " + owned + " >/dev/null 2>&1").c_str()); });
        return tmpl;
    }();
    return dir;
}

// The URL of database `name` on the server.
std::string url_of(const std::string& name) {
    std::string url = run(kScript + " url " + server_dir());  // postgresql://wsn@/wsn?host=...
    size_t at = url.find("/wsn?");
    if (at == std::string::npos) throw std::runtime_error("unexpected URL " + url);
    return url.replace(at, 5, "/" + name + "?");
}

}  // namespace

void admin_sql(const std::string& sql) {
    static std::mutex mu;
    std::lock_guard lk(mu);
    PGconn* c = PQconnectdb(url_of("wsn").c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string why = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("test PostgreSQL: " + why);
    }
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(c, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (!ok) throw std::runtime_error("test PostgreSQL: " + sql + ": " + why);
}

TestDatabase create_test_database() {
    static std::atomic<int> n{0};
    TestDatabase db;
    db.name = "wsn_test_" + std::to_string(getpid()) + "_" + std::to_string(n++);
    admin_sql("DROP DATABASE IF EXISTS " + db.name);
    admin_sql("CREATE DATABASE " + db.name);
    db.url = url_of(db.name);
    return db;
}

void drop_test_database(const TestDatabase& db) { admin_sql("DROP DATABASE IF EXISTS " + db.name + " WITH (FORCE)"); }

}  // namespace wsn::store::test
