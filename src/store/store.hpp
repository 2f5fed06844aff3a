#pragma once
// The event store as the relay and the data commands see it: one interface, two
// backends side by side (store/lmdb/: embedded, the default; store/postgres/: shared
// by several relay frontends). store/open.hpp opens one from its Options.
//
// Stored form: each event is kept as its compact JSON (nostr::to_json: NIP-01 key
// order, no whitespace, NIP-01 escapes), never as the text a client sent, so every
// reader (REQ answers, live feeds, export, sync) gets one spelling per event, one line
// long. write() takes only nostr::CompactEvent, which cannot hold any other text. An
// LMDB database of schema version 1 (client text) is rewritten once when it is opened
// (store/migrate.hpp).
//
// Errors: write paths (write, erase, purge_expired, publish) return a wsn::Error.
// Read paths (Query::step, Count::step, event_count) throw store::DbError
// (error.hpp) when the database fails, store::Unavailable when it cannot be
// reached (PostgreSQL down or restarting: worth retrying later).
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "store/error.hpp"
#include "util/result.hpp"

namespace wsn::store {

// One event to write, with the compact JSON that is stored and served.
using WriteItem = nostr::CompactEvent;

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

// A write that failed because the store is full (LMDB's map, LmdbOptions::map_size, or
// the disk): its Error message starts with "storage full: ". Nothing more can be added
// until events are deleted or the map is made larger; writes that need no new space
// (a duplicate) still succeed.
inline constexpr std::string_view kStorageFullPrefix = "storage full: ";
bool is_storage_full(const Error& e);

struct StoredEvent {
    uint64_t seq;              // the backend's id for the event, increasing with insertion
    int64_t created_at;
    std::string_view json;     // the compact JSON (see above); valid during the emit call only
    nostr::Id id{};
};
// Called for each match. Returning false pauses the query after that match (its reader
// has enough for now): step() returns false at once, and the next step goes on after
// it. A callable that returns nothing never pauses.
class Emit {
public:
    template <class F>
        requires(!std::same_as<std::remove_cvref_t<F>, Emit> && std::invocable<F&, const StoredEvent&>)
    Emit(F&& f) {  // implicit: a lambda is passed as it is
        if constexpr (std::is_void_v<std::invoke_result_t<F&, const StoredEvent&>>)
            fn_ = [g = std::forward<F>(f)](const StoredEvent& e) mutable {
                g(e);
                return true;
            };
        else
            fn_ = std::forward<F>(f);
    }
    bool operator()(const StoredEvent& e) const { return fn_(e); }

private:
    std::function<bool(const StoredEvent&)> fn_;
};

// A resumable query over a set of filters (a REQ): newest first (ties: higher seq
// first), each filter's `limit` (capped by max_limit) honoured, events matching
// several filters sent once, expired events skipped.
//
// step() does about `budget` units of work and returns, so a long query can be
// sliced and interleaved with others: LMDB counts index steps (cursor moves and event
// loads), PostgreSQL rows (one statement per step, at most about `budget` rows). A
// query may pause between steps for as long as its owner likes; release() lets go of
// any read snapshot it holds meanwhile (LMDB keeps one from its creation, so that
// every step reads the same state), and the next step resumes by key in a fresh one.
// Without release(), an LMDB query gives the results of one run over the store as
// it was when the query was made; PostgreSQL queries read by key each step.
class Query {
public:
    virtual ~Query() = default;
    // Calls emit for each match; returns true when the query is complete (false: budget
    // spent, or emit asked for a pause).
    virtual bool step(uint64_t budget, const Emit& emit) = 0;
    virtual void release() = 0;
};

// NIP-45: the number of events matching any of the filters, de-duplicated, `limit`
// ignored; sliced like Query (a step of budget units; done when step returns true),
// and like it may let go of its snapshot between steps (release(); the count then goes
// on by key in a fresh one, so events written meanwhile may or may not be counted).
class Count {
public:
    virtual ~Count() = default;
    virtual bool step(uint64_t budget) = 0;
    virtual void release() = 0;
    virtual uint64_t total() const = 0;  // so far; final once step returned true
};

// NIP-77: what a negentropy sync fingerprints, (created_at, id), of each event matching
// any of the filters (`limit` ignored, expired events left out), in no particular order
// and without the events themselves. Sliced like Query: step() does about `budget` units
// of work, appends what it found to `out`, and returns true when complete; a scan stops
// once it has found more than its max_items (so the caller can tell "too many").
struct IdItem {
    int64_t created_at = 0;
    nostr::Id id{};
};

class IdScan {
public:
    virtual ~IdScan() = default;
    virtual bool step(uint64_t budget, std::vector<IdItem>& out) = 0;
};

// What a shared store (PostgreSQL) reports of the events committed by any frontend,
// this one included, and of the ephemeral events they published; see Store::feed().
struct FeedBatch {
    uint64_t number = 0;                 // increasing by one per batch with events
    std::vector<std::string> stored;     // JSON, in the order they became known
    std::vector<std::string> ephemeral;  // JSON
};

class Feed {
public:
    virtual ~Feed() = default;
    // Waits up to `timeout` for new events; an empty batch (number 0) when there were
    // none. Reconnects by itself after a failure, which it returns as an Error meanwhile;
    // no stored event is skipped across a failure (ephemeral ones may be).
    virtual Result<FeedBatch> next(std::chrono::milliseconds timeout) = 0;
};

class Store {
public:
    virtual ~Store() = default;

    // Writes a batch atomically (committed, and durable per the backend's settings,
    // when it returns) and returns one outcome per item, in order. Handles: duplicates
    // by id; replaceable (pubkey+kind) and addressable (pubkey+kind+d) keep only the
    // newest (ties: lowest id); NIP-09 deletion events (kind 5: e and a tags, only the
    // author's own events; remembered so a deleted event cannot be re-added); NIP-40
    // expiration (already expired: not stored). Ephemeral events must not be passed here.
    // Not thread-safe: one writer thread per Store.
    virtual Result<std::vector<WriteOutcome>> write(std::span<const WriteItem> batch, int64_t now) = 0;

    // The query of one REQ, or the count of one COUNT (see Query and Count). Thread-safe;
    // each Query or Count is used by one thread at a time.
    virtual std::unique_ptr<Query> query(std::vector<nostr::Filter> filters, uint64_t max_limit,
                                         int64_t now) const = 0;
    virtual std::unique_ptr<Count> count(std::vector<nostr::Filter> filters, int64_t now) const = 0;

    // See IdScan. Thread-safe like query(); LMDB reads one snapshot, PostgreSQL one statement.
    virtual std::unique_ptr<IdScan> scan_ids(std::vector<nostr::Filter> filters, uint64_t max_items,
                                             int64_t now) const = 0;

    // Deletes every stored event matching the filter, `limit` ignored (operator
    // command; deletions are not remembered, so the events may be sent again); returns how many.
    virtual Result<uint64_t> erase(const nostr::Filter& filter) = 0;
    // Deletes events whose NIP-40 expiration is <= now; returns how many. Writer thread only.
    virtual Result<uint64_t> purge_expired(int64_t now, uint64_t max_events) = 0;

    // Number of stored events (expired but not yet purged ones included).
    virtual uint64_t event_count() const = 0;

    // Small named values kept beside the events, in the metadata both backends have (the
    // NIP-86 moderation state, say), UTF-8 text: "" when never set. Thread-safe; rare, not
    // for hot paths.
    virtual Result<std::string> setting(std::string_view name) const = 0;
    virtual Status put_setting(std::string_view name, std::string_view value) = 0;

    // A store shared by several processes (PostgreSQL) gives each a Feed of what all of
    // them commit, and carries ephemeral events between them (publish, then the Feed);
    // then the relay delivers live events from the Feed alone. An embedded store (LMDB)
    // returns nullptr, and the relay delivers what its own writer committed.
    virtual std::unique_ptr<Feed> feed() { return nullptr; }
    virtual Status publish(std::span<const std::string> ephemeral_json) {
        (void)ephemeral_json;
        return err("store: this backend does not carry ephemeral events");
    }
};

}  // namespace wsn::store
