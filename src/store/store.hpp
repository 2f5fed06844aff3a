#pragma once
// The event store: LMDB in a data folder, one writer thread, many readers.
// Every NIP-01 filter is answered from an index, newest first. The schema
// (sub-databases and key layouts) lives in schema.hpp.
//
// Errors: write paths (open, write, erase, purge_expired) return a wsn::Error.
// Read paths (begin_read, Query::step, count, contains, event_count) throw
// store::DbError (error.hpp) only if LMDB itself fails: a damaged file, or more
// than Options::max_readers read transactions open at once.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "store/error.hpp"
#include "util/result.hpp"

namespace wsn::store {

struct Options {
    std::string dir = "wsn-data";         // created if missing
    uint64_t map_size = 1ull << 40;       // LMDB map: address space, not disk (sparse); the
                                          // most the file may grow to (then: storage full)
    bool sync = true;                     // fsync on commit (off only for benchmarks/imports:
                                          // then a machine crash, not a process kill, may lose data)
    unsigned max_readers = 4096;          // read transactions open at once, all processes together
};

// One event to write. `json` is its compact wire JSON (what is stored and served).
struct WriteItem {
    nostr::Event event;
    std::string json;
};

// What happened to one WriteItem. The relay maps it to an OK message.
enum class WriteOutcome {
    stored,             // OK true
    duplicate,          // OK true, "duplicate: already have this event"
    replaced_by_newer,  // OK false "replaced: have newer event" (as strfry)
    deleted,            // OK false "blocked: this event has been deleted" (NIP-09)
    expired,            // OK false "invalid: event has expired" (NIP-40)
};
std::string_view outcome_message(WriteOutcome o);  // "" for stored
bool outcome_accepted(WriteOutcome o);

// A write that failed because the store is full (LMDB's map, Options::map_size, or the
// disk): its Error message starts with "storage full: ". Nothing more can be added
// until events are deleted or the map is made larger; writes that need no new space
// (a duplicate) still succeed.
bool is_storage_full(const Error& e);

struct StoredEvent {
    uint64_t seq;              // internal id (levId), increasing with insertion
    int64_t created_at;
    std::string_view json;     // valid until the read transaction ends
};

class Store;

// A read transaction: a snapshot of the store. Many may run at once; each is used
// by one thread at a time but may move between threads (MDB_NOTLS). Keep them
// short: a long one pins old pages and the file grows.
class ReadTxn {
public:
    ~ReadTxn();
    ReadTxn(ReadTxn&&) noexcept;
    ReadTxn& operator=(ReadTxn&&) noexcept;
private:
    friend class Store;
    friend class Query;
    struct Impl;
    explicit ReadTxn(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

// A resumable query over a set of filters (a REQ): newest first, each filter's
// `limit` (capped by max_limit) honoured, events matching several filters sent once,
// expired events skipped. step() does about `budget` index steps (cursor moves and
// event loads; an `ids` filter looks up all its ids in its first step) so a long
// query can be sliced and interleaved with others (as strfry does). Successive
// steps may use different ReadTxns: the query keeps its place by key, not cursor,
// and gives the same results as one run over an unchanged store.
//
// Index choice per filter: ids > authors+kinds (up to 4096 pairs) > the tag with
// fewest values > authors > kinds > created_at scan; every candidate is checked
// against the whole filter.
class Query {
public:
    Query(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now);
    ~Query();
    Query(Query&&) noexcept;
    Query& operator=(Query&&) noexcept;
    // Calls emit for each match, newest first across all filters (ties: higher seq
    // first); returns true when the query is complete.
    bool step(ReadTxn& txn, uint64_t budget, const std::function<void(const StoredEvent&)>& emit);
private:
    friend class Store;  // count() runs a query that reads index keys only
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Store {
public:
    static Result<std::unique_ptr<Store>> open(const Options& opts);
    ~Store();

    // Writes a batch in ONE write transaction (committed; fsynced per Options::sync) and returns one outcome
    // per item, in order. Handles: duplicates by id; replaceable (pubkey+kind) and
    // addressable (pubkey+kind+d) keep only the newest (ties: lowest id); NIP-09 deletion
    // events (kind 5: e and a tags, only the author's own events; remembered so a deleted
    // event cannot be re-added); NIP-40 expiration (already expired: not stored). Ephemeral
    // events must not be passed here. Only the writer thread may call it.
    Result<std::vector<WriteOutcome>> write(std::span<const WriteItem> batch, int64_t now);

    ReadTxn begin_read() const;

    // Whether an event with this id is stored (lets the relay skip verifying duplicates).
    bool contains(ReadTxn& txn, const nostr::Id& id) const;

    // Number of events matching any of the filters (NIP-45), de-duplicated; `limit` is ignored.
    // A filter whose index keys hold all its conditions (see Query: e.g. authors and
    // kinds, one tag, or kinds alone, each with since/until) is counted without
    // reading event records; others are checked record by record.
    uint64_t count(ReadTxn& txn, std::span<const nostr::Filter> filters, int64_t now) const;

    // Deletes every stored event matching the filter, `limit` ignored (operator
    // command; deletions are not remembered, so the events may be sent again); returns how many.
    Result<uint64_t> erase(const nostr::Filter& filter);
    // Deletes events whose NIP-40 expiration is <= now; returns how many. Writer thread only.
    Result<uint64_t> purge_expired(int64_t now, uint64_t max_events);

    // Number of stored events (expired but not yet purged ones included).
    uint64_t event_count() const;

private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::store
