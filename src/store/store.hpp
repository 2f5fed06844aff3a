#pragma once
// The event store: LMDB in a data folder, one writer thread, many readers.
// Every NIP-01 filter is answered from an index, newest first. The schema
// (sub-databases and key layouts) lives in schema.hpp.
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
#include "util/result.hpp"

namespace wsn::store {

struct Options {
    std::string dir = "wsn-data";         // created if missing
    uint64_t map_size = 1ull << 40;       // LMDB map: address space, not disk (sparse)
    bool sync = true;                     // fsync on commit (off only for benchmarks/imports)
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
    replaced_by_newer,  // a newer replaceable/addressable version is stored
    deleted,            // OK false "blocked: this event has been deleted" (NIP-09)
    expired,            // OK false "invalid: event has expired" (NIP-40)
};
std::string_view outcome_message(WriteOutcome o);  // "" for stored
bool outcome_accepted(WriteOutcome o);

struct StoredEvent {
    uint64_t seq;              // internal id (levId), increasing with insertion
    int64_t created_at;
    std::string_view json;     // valid until the read transaction ends
};

class Store;

// A read transaction; many may run at once on different threads.
class ReadTxn {
public:
    ~ReadTxn();
    ReadTxn(ReadTxn&&) noexcept;
private:
    friend class Store;
    friend class Query;
    struct Impl;
    explicit ReadTxn(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

// A resumable query over a set of filters (a REQ): newest first, each filter's
// `limit` (capped by max_limit) honoured, events matching several filters sent once,
// expired events skipped. step() does at most `budget` index steps so a long query
// can be sliced and interleaved with others (as strfry does).
class Query {
public:
    Query(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now);
    ~Query();
    Query(Query&&) noexcept;
    // Calls emit for each match; returns true when the query is complete.
    bool step(ReadTxn& txn, uint64_t budget, const std::function<void(const StoredEvent&)>& emit);
private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Store {
public:
    static Result<std::unique_ptr<Store>> open(const Options& opts);
    ~Store();

    // Writes a batch in ONE write transaction (committed, fsynced) and returns one outcome
    // per item, in order. Handles: duplicates by id; replaceable (pubkey+kind) and
    // addressable (pubkey+kind+d) keep only the newest (ties: lowest id); NIP-09 deletion
    // events (kind 5: e and a tags, only the author's own events; remembered so a deleted
    // event cannot be re-added); NIP-40 expiration (already expired: not stored). Ephemeral
    // events must not be passed here. Only the writer thread may call it.
    Result<std::vector<WriteOutcome>> write(std::span<const WriteItem> batch, int64_t now);

    ReadTxn begin_read() const;

    // Number of events matching any of the filters (NIP-45), de-duplicated.
    uint64_t count(ReadTxn& txn, std::span<const nostr::Filter> filters, int64_t now) const;

    // Deletes every stored event matching the filter (operator command); returns how many.
    Result<uint64_t> erase(const nostr::Filter& filter);
    // Deletes events whose NIP-40 expiration is <= now; returns how many. Writer thread only.
    Result<uint64_t> purge_expired(int64_t now, uint64_t max_events);

    uint64_t event_count() const;

private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsn::store
