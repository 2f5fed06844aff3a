#pragma once
// The LMDB backend: the event store in a data folder, one writer thread, many
// readers. Every NIP-01 filter is answered from an index, newest first. The schema
// (sub-databases and key layouts) lives in schema.hpp.
//
// Read paths throw store::DbError only if LMDB itself fails: a damaged file, or more
// than LmdbOptions::max_readers read transactions open at once.
#include <memory>

#include "store/options.hpp"
#include "store/store.hpp"

namespace wsn::store::lmdb {

class LmdbStore;

// A read transaction: a snapshot of the store. Many may run at once; each is used
// by one thread at a time but may move between threads (MDB_NOTLS). Keep them
// short: a long one pins old pages and the file grows.
class ReadTxn {
public:
    ~ReadTxn();
    ReadTxn(ReadTxn&&) noexcept;
    ReadTxn& operator=(ReadTxn&&) noexcept;
    struct Impl;

private:
    friend class LmdbStore;
    friend class IndexQuery;
    explicit ReadTxn(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

// The query behind store::Query (see there). step() does about `budget` index steps
// (cursor moves and event loads; an `ids` filter looks up all its ids in its first
// step). Successive steps may use different ReadTxns: the query keeps its place by
// key, not cursor, and gives the same results as one run over an unchanged store.
//
// Index choice per filter: ids > authors+kinds (up to 4096 pairs) > the tag with
// fewest values > authors > kinds > created_at scan; every candidate is checked
// against the whole filter.
class IndexQuery {
public:
    IndexQuery(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now);
    ~IndexQuery();
    IndexQuery(IndexQuery&&) noexcept;
    IndexQuery& operator=(IndexQuery&&) noexcept;
    bool step(ReadTxn& txn, uint64_t budget, const Emit& emit);

    // For counting: the query walks without limits and, for filters whose index keys
    // hold all their conditions (authors and kinds, one tag, or kinds alone, each with
    // since/until), reads index keys only, skipping the expired events found in txn.
    static IndexQuery for_count(std::vector<nostr::Filter> filters, ReadTxn& txn, int64_t now);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class LmdbStore final : public Store {
public:
    static Result<std::unique_ptr<LmdbStore>> open(const LmdbOptions& opts);
    ~LmdbStore() override;

    Result<std::vector<WriteOutcome>> write(std::span<const WriteItem> batch, int64_t now) override;
    std::unique_ptr<Query> query(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now) const override;
    std::unique_ptr<Count> count(std::vector<nostr::Filter> filters, int64_t now) const override;
    std::unique_ptr<IdScan> scan_ids(std::vector<nostr::Filter> filters, uint64_t max_items,
                                     int64_t now) const override;
    Result<uint64_t> erase(const nostr::Filter& filter) override;
    Result<uint64_t> purge_expired(int64_t now, uint64_t max_events) override;
    uint64_t event_count() const override;
    Result<std::string> setting(std::string_view name) const override;
    Status put_setting(std::string_view name, std::string_view value) override;

    ReadTxn begin_read() const;

    struct Impl;

private:
    explicit LmdbStore(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::store::lmdb
