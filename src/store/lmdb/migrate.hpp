#pragma once
// LMDB schema migrations, run by LmdbStore::open before the store serves anything.
#include <lmdb.h>

#include <cstdint>

#include "store/lmdb/db.hpp"
#include "util/result.hpp"

namespace wsn::store::lmdb {

// Version 1 -> 2. Version 1 kept each event's JSON as the client sent it (any
// whitespace, key order and escapes); version 2 keeps the compact form (store.hpp).
// Parses every record's JSON and rewrites those that differ from the compact form
// (the binary header and tag block stay), a bounded batch per write transaction, and
// sets the version to 2 with the last batch. If interrupted it starts over at the next
// open; records already compact are left alone. Returns how many were rewritten, or
// an Error naming a record whose JSON is not its event (the database stays version 1).
// Throws DbError if LMDB fails.
Result<uint64_t> migrate_to_compact_json(MDB_env* env, const Dbs& dbs);

}  // namespace wsn::store::lmdb
