#include "store/postgres/filter_sql.hpp"

#include <algorithm>

#include "store/postgres/schema.hpp"

namespace wsn::store::pg {

namespace {

std::string ref(int n) { return "$" + std::to_string(n); }

template <size_t N>
std::string raw(const std::array<uint8_t, N>& a) {
    return std::string(reinterpret_cast<const char*>(a.data()), a.size());
}

// One filter as FROM and WHERE over wsn_events e. A filter led by one tag value (the
// LMDB plan's tag case, here when that tag has a single value) walks the tag index
// (name, value, created_at, seq) in order, so its rows come newest first without a
// sort; other filters leave the choice of index to the planner.
struct Select {
    std::string from = "wsn_events e";
    std::string at = "e.created_at", seq = "e.seq";  // the position columns
    std::vector<std::string> where;

    std::string sql(const std::string& columns) const {
        std::string s = "SELECT " + columns + " FROM " + from + " WHERE ";
        if (where.empty()) return s + "true";
        for (size_t i = 0; i < where.size(); ++i) s += (i ? " AND " : "") + where[i];
        return s;
    }
};

std::string tag_condition(const std::string& alias, const nostr::TagFilter& t, Params& p) {
    std::string c = alias + ".name = " + ref(p.text(std::string(1, t.name))) + " AND " + alias + ".value ";
    if (t.values.size() == 1) return c + "= " + ref(p.bytea(schema::value_key(t.values[0])));
    std::vector<std::string> keys;
    for (const std::string& v : t.values) keys.push_back(schema::value_key(v));
    return c + "= ANY (" + ref(p.bytea_array(keys)) + ")";
}

Select select_for(const nostr::Filter& f, int64_t now, Params& p) {
    Select s;
    const nostr::TagFilter* lead = nullptr;
    if (!f.ids && !(f.authors && f.kinds) && !f.tags.empty()) {
        auto best = std::min_element(f.tags.begin(), f.tags.end(),
                                     [](const auto& a, const auto& b) { return a.values.size() < b.values.size(); });
        if (best->values.size() == 1) lead = &*best;
    }
    if (lead) {
        s.from = "wsn_tags t JOIN wsn_events e ON e.seq = t.seq";
        s.at = "t.created_at";
        s.seq = "t.seq";
        s.where.push_back(tag_condition("t", *lead, p));
    }
    if (f.ids) {
        std::vector<std::string> ids;
        for (const nostr::Id& id : *f.ids) ids.push_back(raw(id));
        s.where.push_back("e.id = ANY (" + ref(p.bytea_array(ids)) + ")");
    }
    if (f.authors) {
        if (f.authors->size() == 1) {
            s.where.push_back("e.pubkey = " + ref(p.bytea(f.authors->front().bytes)));
        } else {
            std::vector<std::string> keys;
            for (const auto& a : *f.authors) keys.push_back(raw(a.bytes));
            s.where.push_back("e.pubkey = ANY (" + ref(p.bytea_array(keys)) + ")");
        }
    }
    if (f.kinds) {
        if (f.kinds->size() == 1) {
            s.where.push_back("e.kind = " + ref(p.int4(f.kinds->front())));
        } else {
            std::vector<int32_t> kinds(f.kinds->begin(), f.kinds->end());
            s.where.push_back("e.kind = ANY (" + ref(p.int4_array(kinds)) + ")");
        }
    }
    if (f.since) s.where.push_back(s.at + " >= " + ref(p.int8(*f.since)));
    if (f.until) s.where.push_back(s.at + " <= " + ref(p.int8(*f.until)));
    if (now > 0) s.where.push_back("(e.expires_at IS NULL OR e.expires_at > " + ref(p.int8(now)) + ")");
    for (const nostr::TagFilter& t : f.tags) {
        if (&t == lead) continue;
        s.where.push_back("EXISTS (SELECT 1 FROM wsn_tags x WHERE x.seq = e.seq AND " + tag_condition("x", t, p) + ")");
    }
    return s;
}

}  // namespace

bool matches_nothing(const nostr::Filter& f) {
    if ((f.ids && f.ids->empty()) || (f.authors && f.authors->empty()) || (f.kinds && f.kinds->empty())) return true;
    if (f.since && f.until && *f.since > *f.until) return true;
    if (f.limit && *f.limit == 0) return true;
    return std::any_of(f.tags.begin(), f.tags.end(), [](const nostr::TagFilter& t) { return t.values.empty(); });
}

std::string page_sql(const std::vector<nostr::Filter>& filters, const std::vector<uint64_t>& limits,
                     const std::optional<Position>& below, int64_t now, Params& p) {
    std::string parts;
    for (size_t i = 0; i < filters.size(); ++i) {
        if (limits[i] == 0 || matches_nothing(filters[i])) continue;
        Select s = select_for(filters[i], now, p);
        if (below)
            s.where.push_back("(" + s.at + ", " + s.seq + ") < (" + ref(p.int8(below->created_at)) + ", " +
                              ref(p.int8(below->seq)) + ")");
        if (!parts.empty()) parts += " UNION ALL ";
        parts += "(" + s.sql("e.seq, e.created_at, e.json, " + std::to_string(i) + " AS f, encode(e.id, 'hex') AS id") +
                 " ORDER BY " + s.at +
                 " DESC, " + s.seq + " DESC LIMIT " + ref(p.int8(int64_t(std::min<uint64_t>(limits[i], INT64_MAX)))) +
                 ")";
    }
    if (parts.empty()) return "";
    return "SELECT seq, created_at, json, f, id FROM (" + parts + ") u ORDER BY created_at DESC, seq DESC";
}

std::string count_sql(const std::vector<nostr::Filter>& filters, int64_t now, Params& p) {
    std::string parts;
    for (const nostr::Filter& f : filters) {
        nostr::Filter unlimited = f;
        unlimited.limit.reset();
        if (matches_nothing(unlimited)) continue;
        if (!parts.empty()) parts += " UNION ";
        parts += select_for(unlimited, now, p).sql("e.seq");
    }
    if (parts.empty()) return "SELECT 0";
    return "SELECT count(*) FROM (" + parts + ") u";
}

std::string ids_sql(const std::vector<nostr::Filter>& filters, uint64_t max_rows, int64_t now, Params& p) {
    std::string parts;
    for (const nostr::Filter& f : filters) {
        nostr::Filter unlimited = f;
        unlimited.limit.reset();
        if (matches_nothing(unlimited)) continue;
        if (!parts.empty()) parts += " UNION ";
        parts += select_for(unlimited, now, p).sql("e.created_at, e.id");
    }
    if (parts.empty()) return "SELECT 0::bigint, '' WHERE false";
    return "SELECT created_at, encode(id, 'hex') FROM (" + parts + ") u LIMIT " +
           ref(p.int8(int64_t(std::min<uint64_t>(max_rows, INT64_MAX))));
}

std::string seqs_sql(const nostr::Filter& f, Params& p) {
    nostr::Filter unlimited = f;
    unlimited.limit.reset();
    if (matches_nothing(unlimited)) return "SELECT seq FROM wsn_events WHERE false";
    return select_for(unlimited, 0, p).sql("e.seq");
}

}  // namespace wsn::store::pg
