#include "store/open.hpp"

#include "store/lmdb/lmdb_store.hpp"
#include "store/postgres/pg_store.hpp"

namespace wsn::store {

std::string_view outcome_message(WriteOutcome o) {
    switch (o) {
        case WriteOutcome::stored: return "";
        case WriteOutcome::duplicate: return "duplicate: already have this event";
        case WriteOutcome::replaced_by_newer: return "replaced: have newer event";
        case WriteOutcome::deleted: return "blocked: this event has been deleted";
        case WriteOutcome::expired: return "invalid: event has expired";
    }
    return "";
}

bool outcome_accepted(WriteOutcome o) { return o == WriteOutcome::stored || o == WriteOutcome::duplicate; }

bool is_storage_full(const Error& e) { return e.message.starts_with(kStorageFullPrefix); }

bool is_postgres_url(std::string_view s) {
    return s.starts_with("postgresql://") || s.starts_with("postgres://") ||
           s.find("host=") != std::string_view::npos || s.find("dbname=") != std::string_view::npos;
}

Result<std::unique_ptr<Store>> open(const Options& opts) {
    if (opts.backend == Backend::postgres) {
        auto s = pg::PgStore::open(opts.postgres);
        if (!s) return s.error();
        return std::unique_ptr<Store>(std::move(*s));
    }
    auto s = lmdb::LmdbStore::open(opts.lmdb);
    if (!s) return s.error();
    return std::unique_ptr<Store>(std::move(*s));
}

}  // namespace wsn::store
