#pragma once
// A throwaway PostgreSQL for the store tests, from scripts/pg.sh (the helper the
// end-to-end tests use too): the server the ctest fixture started (WSN_TEST_PG_DIR),
// else one this process starts on first use and destroys at exit. Each test gets a
// database of its own.
#include <string>

namespace wsn::store::test {

// Creates an empty database; returns its name and libpq URL.
struct TestDatabase {
    std::string name, url;
};
TestDatabase create_test_database();
void drop_test_database(const TestDatabase& db);

// Runs SQL in the server's maintenance database `wsn` (as the superuser).
void admin_sql(const std::string& sql);

}  // namespace wsn::store::test
