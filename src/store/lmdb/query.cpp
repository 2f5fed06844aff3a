// Query: each filter becomes a stream that merges the index ranges of its plan
// (one range per author, kind, tag value... ) newest first and checks the whole
// filter on each candidate; the query merges the streams newest first and sends
// an event matched by several filters once. Places are kept as keys, so a query
// can pause when its budget runs out and resume in another read transaction.
#include <algorithm>
#include <limits>
#include <map>
#include <memory>

#include "nostr/limits.hpp"
#include "store/lmdb/db.hpp"
#include "store/lmdb/schema.hpp"

namespace wsn::store::lmdb {

namespace {

// Where an event sits in every index: (created_at, seq); greater is newer.
struct Position {
    uint32_t created_at = 0;
    uint64_t seq = 0;
    auto operator<=>(const Position&) const = default;
};

constexpr size_t kMaxPairSources = 4096;

// One key range of one index: keys `prefix` + position, positions in [since, next].
// Or, for an `ids` filter, a list of positions looked up by id.
struct Source {
    MDB_dbi dbi = 0;
    std::string prefix;
    Position next;  // the highest position not yet visited
    uint32_t since = 0;
    bool exhausted = false;
    std::optional<Position> head;  // current entry, not yet consumed

    bool is_list = false;
    std::vector<nostr::Id> ids;     // to look up (list source, before init)
    std::vector<Position> list;     // sorted newest first
    size_t list_at = 0;

    // Moves `next` below a consumed position.
    void pass(Position p) {
        if (is_list) return;
        if (p.seq > 0) next = {p.created_at, p.seq - 1};
        else if (p.created_at > since) next = {p.created_at - 1, std::numeric_limits<uint64_t>::max()};
        else exhausted = true;
    }
};

struct Context {
    TxnState& txn;
    int64_t now;
    uint64_t budget;
    // When counting: the expired (not yet purged) events, sorted. Then a stream whose
    // index keys decide the match (Stream::exact) needs no event records at all.
    const std::vector<uint64_t>* expired = nullptr;
    // One cursor per index, and the source whose head it sits on: that source's
    // next entry is then one MDB_PREV away instead of a new descent of the tree.
    struct Slot {
        std::unique_ptr<lmdb::Cursor> cursor;
        const Source* owner = nullptr;
    };
    std::map<MDB_dbi, Slot> slots;

    Slot& slot(MDB_dbi dbi) {
        Slot& s = slots[dbi];
        if (!s.cursor) s.cursor = std::make_unique<lmdb::Cursor>(txn.txn, dbi);
        return s;
    }
    // Spends one step; false when the budget is used up.
    bool spend() {
        if (budget == 0) return false;
        --budget;
        return true;
    }
};

// Finds a source's head: its highest entry at or below `next`.
void seek(Context& ctx, Source& s) {
    s.head.reset();
    if (s.exhausted) return;
    if (s.is_list) {
        if (s.list_at < s.list.size()) s.head = s.list[s.list_at++];
        else s.exhausted = true;
        return;
    }
    MDB_val k, d;
    Context::Slot& slot = ctx.slot(s.dbi);
    bool found_key = slot.owner == &s  // the cursor is on the head just consumed
                         ? slot.cursor->get(k, d, MDB_PREV)
                         : slot.cursor->seek_at_or_before(
                               schema::with_position(s.prefix, s.next.created_at, s.next.seq), k, d);
    slot.owner = nullptr;
    std::string_view found = lmdb::view(k);
    if (!found_key || found.size() != s.prefix.size() + schema::kPositionBytes || !found.starts_with(s.prefix)) {
        s.exhausted = true;
        return;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(found.data()) + s.prefix.size();
    Position pos{schema::get_u32(p), schema::get_u64(p + 4)};
    if (pos.created_at < s.since) {
        s.exhausted = true;
        return;
    }
    s.head = pos;
    slot.owner = &s;
}

// Looks up an ids filter's events (once) and lists them newest first.
void load_ids(Context& ctx, Source& s) {
    const Dbs& dbs = *ctx.txn.dbs;
    for (const nostr::Id& id : s.ids) {
        auto v = lmdb::get(ctx.txn.txn, dbs.id, std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
        if (!v || v->size() != 8) continue;
        uint64_t seq = schema::get_u64(reinterpret_cast<const uint8_t*>(v->data()));
        if (auto r = load_record(ctx.txn.txn, dbs, seq))
            if (r->created_at >= s.since && r->created_at <= s.next.created_at) s.list.push_back({r->created_at, seq});
    }
    std::sort(s.list.rbegin(), s.list.rend());
    s.ids.clear();
}

// One filter: its plan's sources merged newest first through a max-heap.
struct Stream {
    nostr::Filter filter;
    uint64_t remaining = 0;  // events still allowed by the limit
    bool done = false;
    bool exact = false;      // every entry of the plan's ranges matches the filter
    std::vector<Source> sources;
    size_t initialized = 0;             // sources [0, initialized) have been sought
    std::vector<size_t> heap;           // sources with a head
    std::optional<size_t> advancing;    // consumed source that needs a new head
    std::optional<Position> last;       // last candidate examined (dedupes sources)
    std::optional<Position> head;       // next match, not yet sent
    std::string_view head_json;
    nostr::Id head_id{};
    uint64_t head_serial = 0;

    enum class Next { found, exhausted, paused };

    bool heap_less(size_t a, size_t b) const { return *sources[a].head < *sources[b].head; }

    void push(size_t i) {
        if (!sources[i].head) return;
        heap.push_back(i);
        std::push_heap(heap.begin(), heap.end(), [this](size_t a, size_t b) { return heap_less(a, b); });
    }

    size_t pop() {
        std::pop_heap(heap.begin(), heap.end(), [this](size_t a, size_t b) { return heap_less(a, b); });
        size_t i = heap.back();
        heap.pop_back();
        return i;
    }

    // Finds the next event matching the filter, spending ctx's budget.
    Next next(Context& ctx) {
        for (;;) {
            if (advancing) {
                if (!ctx.spend()) return Next::paused;
                seek(ctx, sources[*advancing]);
                push(*advancing);
                advancing.reset();
            }
            while (initialized < sources.size()) {
                if (!ctx.spend()) return Next::paused;
                Source& s = sources[initialized];
                if (s.is_list) load_ids(ctx, s);
                seek(ctx, s);
                push(initialized++);
            }
            if (heap.empty()) return Next::exhausted;
            if (!ctx.spend()) return Next::paused;
            size_t i = pop();
            Position p = *sources[i].head;
            sources[i].pass(p);
            advancing = i;
            if (last == p) continue;  // the same event through another tag value
            last = p;
            if (exact && ctx.expired) {
                if (std::binary_search(ctx.expired->begin(), ctx.expired->end(), p.seq)) continue;
                head = p;
                head_json = {};
                head_serial = ctx.txn.serial;
                return Next::found;
            }
            auto r = load_record(ctx.txn.txn, *ctx.txn.dbs, p.seq);
            if (!r || r->expired(ctx.now) || !record_matches(filter, *r)) continue;
            head = p;
            head_json = r->json;
            head_id = r->id;
            head_serial = ctx.txn.serial;
            return Next::found;
        }
    }
};

Source range(MDB_dbi dbi, std::string prefix, uint32_t since, uint32_t until) {
    Source s;
    s.dbi = dbi;
    s.prefix = std::move(prefix);
    s.since = since;
    s.next = {until, std::numeric_limits<uint64_t>::max()};
    return s;
}

bool has_empty_list(const nostr::Filter& f) {
    if ((f.ids && f.ids->empty()) || (f.authors && f.authors->empty()) || (f.kinds && f.kinds->empty())) return true;
    return std::any_of(f.tags.begin(), f.tags.end(), [](const nostr::TagFilter& t) { return t.values.empty(); });
}

bool values_inline(const nostr::TagFilter& t) {
    return std::all_of(t.values.begin(), t.values.end(),
                       [](const std::string& v) { return v.size() <= schema::kMaxInlineTagValue; });
}

// Chooses the index for a filter (order in store.hpp) and lists its key ranges;
// marks the stream exact when those keys hold every condition of the filter
// (since/until are the ranges' bounds; a hashed tag value is not exact).
void plan(Stream& st, const Dbs& dbs) {
    const nostr::Filter& f = st.filter;
    int64_t since = std::max<int64_t>(f.since.value_or(0), 0);
    int64_t until = std::min<int64_t>(f.until.value_or(nostr::kMaxCreatedAt), nostr::kMaxCreatedAt);
    if (st.remaining == 0 || since > until || has_empty_list(f)) {
        st.done = true;
        return;
    }
    auto lo = uint32_t(since), hi = uint32_t(until);
    if (f.ids) {
        Source s = range(0, {}, lo, hi);
        s.is_list = true;
        s.ids = *f.ids;
        st.sources.push_back(std::move(s));
    } else if (f.authors && f.kinds && f.authors->size() * f.kinds->size() <= kMaxPairSources) {
        for (const auto& a : *f.authors)
            for (uint16_t k : *f.kinds) st.sources.push_back(range(dbs.pubkey_kind, schema::pubkey_kind_prefix(a, k), lo, hi));
        st.exact = f.tags.empty();
    } else if (!f.tags.empty()) {
        auto best = std::min_element(f.tags.begin(), f.tags.end(), [](const auto& a, const auto& b) {
            return a.values.size() < b.values.size();
        });
        for (const std::string& v : best->values)
            st.sources.push_back(range(dbs.tag, schema::tag_prefix(best->name, v), lo, hi));
        st.exact = f.tags.size() == 1 && !f.authors && !f.kinds && values_inline(*best);
    } else if (f.authors) {
        for (const auto& a : *f.authors) st.sources.push_back(range(dbs.pubkey, schema::pubkey_prefix(a), lo, hi));
        st.exact = !f.kinds;
    } else if (f.kinds) {
        for (uint16_t k : *f.kinds) st.sources.push_back(range(dbs.kind, schema::kind_prefix(k), lo, hi));
        st.exact = true;
    } else {
        st.sources.push_back(range(dbs.created_at, {}, lo, hi));
        st.exact = true;
    }
}

}  // namespace

struct IndexQuery::Impl {
    std::vector<Stream> streams;
    int64_t now;
    bool planned = false;
    std::optional<std::vector<uint64_t>> expired;  // set for counting
};

IndexQuery::IndexQuery(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now)
    : impl_(std::make_unique<Impl>()) {
    impl_->now = now;
    impl_->streams.resize(filters.size());
    for (size_t i = 0; i < filters.size(); ++i) {
        Stream& st = impl_->streams[i];
        st.filter = std::move(filters[i]);
        st.filter.normalize();  // the matcher binary-searches the lists
        st.remaining = std::min(st.filter.limit.value_or(max_limit), max_limit);
    }
}

IndexQuery::~IndexQuery() = default;
IndexQuery::IndexQuery(IndexQuery&&) noexcept = default;
IndexQuery& IndexQuery::operator=(IndexQuery&&) noexcept = default;

bool IndexQuery::step(ReadTxn& txn, uint64_t budget, const Emit& emit) {
    Impl& q = *impl_;
    TxnState& t = *txn.impl_;
    if (!q.planned) {  // needs the sub-database handles, which come with the transaction
        for (Stream& st : q.streams) plan(st, *t.dbs);
        q.planned = true;
    }
    Context ctx{t, q.now, budget, q.expired ? &*q.expired : nullptr, {}};
    for (;;) {
        Stream* best = nullptr;
        for (Stream& st : q.streams) {
            if (st.done) continue;
            if (!st.head) {
                auto r = st.next(ctx);
                if (r == Stream::Next::paused) return false;
                if (r == Stream::Next::exhausted) {
                    st.done = true;
                    continue;
                }
            }
            if (!best || *best->head < *st.head) best = &st;
        }
        if (!best) return true;
        Position p = *best->head;
        std::string_view json = best->head_json;
        nostr::Id id = best->head_id;
        bool present = true;
        if (best->head_serial != t.serial) {  // found in an earlier transaction: the view is gone
            auto r = load_record(t.txn, *t.dbs, p.seq);
            present = r && !r->expired(q.now);
            if (present) {
                json = r->json;
                id = r->id;
            }
        }
        const bool go_on = !present || emit(StoredEvent{p.seq, int64_t(p.created_at), json, id});
        for (Stream& st : q.streams) {
            if (st.done || st.head != p) continue;
            st.head.reset();
            if (present && --st.remaining == 0) st.done = true;
        }
        if (!go_on) return false;  // the next step resumes below p, by key
    }
}


// A REQ's query without limits, counting matches instead of sending them; exact
// streams walk index keys only, so no event record is read for them.
IndexQuery IndexQuery::for_count(std::vector<nostr::Filter> filters, ReadTxn& txn, int64_t now) {
    for (nostr::Filter& f : filters) f.limit.reset();
    IndexQuery q(std::move(filters), std::numeric_limits<uint64_t>::max(), now);
    std::vector<uint64_t> expired =
        expired_seqs(txn.impl_->txn, *txn.impl_->dbs, now, std::numeric_limits<uint64_t>::max());
    std::sort(expired.begin(), expired.end());
    q.impl_->expired = std::move(expired);
    return q;
}

}  // namespace wsn::store::lmdb
