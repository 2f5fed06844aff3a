#pragma once
// Internals shared by the store's files: the open sub-databases, the read
// transaction behind ReadTxn, and the index bookkeeping every write path uses
// (so adding and removing an event touch exactly the same keys).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/lmdb/env.hpp"
#include "store/lmdb/record.hpp"
#include "store/lmdb/lmdb_store.hpp"
#include "store/lmdb/schema.hpp"

namespace wsn::store::lmdb {

// One handle per sub-database of schema.hpp, named as it is.
struct Dbs {
#define WSN_LMDB_MEMBER(name) MDB_dbi name = 0;
    WSN_LMDB_DATABASES(WSN_LMDB_MEMBER)
#undef WSN_LMDB_MEMBER
};

// What a ReadTxn holds; named apart from ReadTxn::Impl so helpers may use it.
struct TxnState {
    MDB_txn* txn = nullptr;
    const Dbs* dbs = nullptr;
    uint64_t serial = 0;             // unique per transaction: tells a Query its views are stale
    std::optional<lmdb::Txn> owned;  // empty when borrowing the writer's transaction
};

struct ReadTxn::Impl : TxnState {};

// A fresh serial for TxnState.
uint64_t next_txn_serial();

// The record stored under seq, or nullopt if none (or damaged).
std::optional<RecordView> load_record(MDB_txn* txn, const Dbs& dbs, uint64_t seq);

// Seqs of up to max events whose NIP-40 expiration is <= now, soonest expiry first.
std::vector<uint64_t> expired_seqs(MDB_txn* txn, const Dbs& dbs, int64_t now, uint64_t max);

// Stores `record` (encode_record's bytes) under seq and adds it to every index.
void insert_event(MDB_txn* txn, const Dbs& dbs, uint64_t seq, std::string_view record);
// Removes the event and all of its index entries; false if seq is not stored.
bool remove_event(MDB_txn* txn, const Dbs& dbs, uint64_t seq);

}  // namespace wsn::store::lmdb
