// REQ and COUNT on PostgreSQL. A query step is one statement: the next page of each
// filter below the last event sent (filter_sql.hpp), merged newest first. No
// transaction or cursor lives between steps, so a query may pause for as long as its
// owner likes, and release() has nothing to let go of.
#include <algorithm>

#include "store/postgres/filter_sql.hpp"
#include "util/hex.hpp"
#include "store/postgres/pg_store.hpp"

namespace wsn::store::pg {

namespace {

constexpr uint64_t kMaxPageRows = 500;  // per filter and step

// An id column selected as encode(id, 'hex').
nostr::Id hex_id(std::string_view hex) {
    auto id = from_hex_fixed<32>(hex);
    if (!id) throw DbError("store: an event id in the database is not 32 bytes");
    return *id;
}

class PgQuery final : public Query {
public:
    PgQuery(const PgStore& store, std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now)
        : store_(store), filters_(std::move(filters)), now_(now) {
        for (nostr::Filter& f : filters_) {
            f.normalize();
            remaining_.push_back(std::min(f.limit.value_or(max_limit), max_limit));
        }
    }

    // A page holds each filter's next min(remaining, page) matches. The merged rows are
    // the query's true next rows down to the oldest row of the filter that ran out of
    // page first: below it, that filter may have more. So the step sends rows down to
    // there and the next step resumes below it; when no filter ran out, it is complete.
    bool step(uint64_t budget, const Emit& emit) override {
        if (done_) return true;
        uint64_t page = std::clamp<uint64_t>(budget, 1, kMaxPageRows);
        std::vector<uint64_t> limits;
        for (uint64_t r : remaining_) limits.push_back(std::min(r, page));
        Params p;
        std::string sql = page_sql(filters_, limits, below_, now_, p);
        if (sql.empty()) return done_ = true;
        auto conn = store_.read_conn(true);
        PgResult rows = conn->query(sql, p);

        struct Row {
            Position pos;
            size_t filter;
        };
        std::vector<Row> got;
        std::vector<uint64_t> per_filter(filters_.size(), 0);
        for (int i = 0; i < rows.rows(); ++i) {
            Row r{{rows.int8(i, 1), rows.int8(i, 0)}, size_t(rows.int8(i, 3))};
            ++per_filter[r.filter];
            got.push_back(r);
        }
        // The cut-off: the newest "last row" among the filters that filled their page.
        std::optional<Position> cut;
        for (size_t f = 0; f < filters_.size(); ++f) {
            if (limits[f] == 0 || per_filter[f] < limits[f] || limits[f] == remaining_[f]) continue;
            for (auto it = got.rbegin(); it != got.rend(); ++it)
                if (it->filter == f) {
                    if (!cut || newer(it->pos, *cut)) cut = it->pos;
                    break;
                }
        }
        for (size_t i = 0; i < got.size();) {
            const Position pos = got[i].pos;
            if (cut && newer(*cut, pos)) break;
            const bool go_on =
                emit(StoredEvent{uint64_t(pos.seq), pos.created_at, rows.text(int(i), 2), hex_id(rows.text(int(i), 4))});
            for (; i < got.size() && got[i].pos.seq == pos.seq; ++i) --remaining_[got[i].filter];
            below_ = pos;
            if (!go_on) return false;  // paused: the next step reads on below it
        }
        if (!cut) done_ = true;
        return done_;
    }

    void release() override {}

private:
    static bool newer(const Position& a, const Position& b) {
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.seq > b.seq;
    }

    const PgStore& store_;
    std::vector<nostr::Filter> filters_;
    std::vector<uint64_t> remaining_;  // per filter: events its limit still allows
    int64_t now_;
    std::optional<Position> below_;    // the last event sent
    bool done_ = false;
};

// One statement lists them all (bounded by max_items + 1 and by statement_timeout).
class PgIdScan final : public IdScan {
public:
    PgIdScan(const PgStore& store, std::vector<nostr::Filter> filters, uint64_t max_items, int64_t now)
        : store_(store), filters_(std::move(filters)), max_(max_items), now_(now) {}
    bool step(uint64_t, std::vector<IdItem>& out) override {
        if (done_) return true;
        Params p;
        std::string sql = ids_sql(filters_, max_ == UINT64_MAX ? max_ : max_ + 1, now_, p);
        auto conn = store_.read_conn(false);
        PgResult rows = conn->query(sql, p);
        for (int i = 0; i < rows.rows(); ++i) out.push_back(IdItem{rows.int8(i, 0), hex_id(rows.text(i, 1))});
        return done_ = true;
    }

private:
    const PgStore& store_;
    std::vector<nostr::Filter> filters_;
    uint64_t max_;
    int64_t now_;
    bool done_ = false;
};

// One statement counts everything; a COUNT's cost is bounded by statement_timeout.
class PgCount final : public Count {
public:
    PgCount(const PgStore& store, std::vector<nostr::Filter> filters, int64_t now)
        : store_(store), filters_(std::move(filters)), now_(now) {}
    bool step(uint64_t) override {
        if (done_) return true;
        Params p;
        std::string sql = count_sql(filters_, now_, p);
        auto conn = store_.read_conn(false);
        total_ = uint64_t(conn->query(sql, p).int8(0, 0));
        return done_ = true;
    }
    void release() override {}
    uint64_t total() const override { return total_; }

private:
    const PgStore& store_;
    std::vector<nostr::Filter> filters_;
    int64_t now_;
    uint64_t total_ = 0;
    bool done_ = false;
};

}  // namespace

std::unique_ptr<Query> PgStore::query(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now) const {
    return std::make_unique<PgQuery>(*this, std::move(filters), max_limit, now);
}

std::unique_ptr<IdScan> PgStore::scan_ids(std::vector<nostr::Filter> filters, uint64_t max_items,
                                         int64_t now) const {
    return std::make_unique<PgIdScan>(*this, std::move(filters), max_items, now);
}

std::unique_ptr<Count> PgStore::count(std::vector<nostr::Filter> filters, int64_t now) const {
    return std::make_unique<PgCount>(*this, std::move(filters), now);
}

}  // namespace wsn::store::pg
