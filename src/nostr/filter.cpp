// Filter normalization, matching and JSON. The matcher tests the cheap scalar
// conditions first, then binary-searches the sorted lists.
#include "nostr/filter.hpp"

#include <algorithm>
#include <charconv>

#include "util/hex.hpp"

namespace wsn::nostr {

namespace {

template <class T>
void sort_unique(std::vector<T>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

template <class T>
bool contains(const std::vector<T>& sorted, const T& x) {
    return std::binary_search(sorted.begin(), sorted.end(), x);
}

bool tag_matches(const TagFilter& tf, const Event& e) {
    for (const Tag& t : e.tags) {
        if (t.size() >= 2 && t[0].size() == 1 && t[0][0] == tf.name && contains(tf.values, t[1])) return true;
    }
    return false;
}

}  // namespace

void Filter::normalize() {
    if (ids) sort_unique(*ids);
    if (authors) sort_unique(*authors);
    if (kinds) sort_unique(*kinds);
    std::stable_sort(tags.begin(), tags.end(), [](const TagFilter& a, const TagFilter& b) { return a.name < b.name; });
    // Two filters on one letter must both hold, so merging them would widen the
    // filter; keep them and only sort values. Only exact duplicates go.
    for (TagFilter& t : tags) sort_unique(t.values);
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
}

const TagFilter* Filter::tag(char name) const {
    for (const TagFilter& t : tags)
        if (t.name == name) return &t;
    return nullptr;
}

bool Filter::matches(const Event& e, Known known) const {
    if (kinds && known != Known::kinds && !contains(*kinds, e.kind)) return false;
    if (since && e.created_at < *since) return false;
    if (until && e.created_at > *until) return false;
    if (authors && known != Known::authors && !contains(*authors, e.pubkey)) return false;
    if (ids && known != Known::ids && !contains(*ids, e.id)) return false;
    for (size_t i = known == Known::first_tag ? 1 : 0; i < tags.size(); ++i)
        if (!tag_matches(tags[i], e)) return false;
    return true;
}

bool matches_any(std::span<const Filter> filters, const Event& e) {
    return std::any_of(filters.begin(), filters.end(), [&](const Filter& f) { return f.matches(e); });
}

namespace {

void append_uint(std::string& out, uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_int(std::string& out, int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

template <class List, class Each>
void append_list(std::string& out, bool& first, std::string_view key, const List& list, Each each) {
    out += first ? "{\"" : ",\"";
    first = false;
    out += key;
    out += "\":[";
    for (size_t i = 0; i < list.size(); ++i) {
        if (i) out += ',';
        each(list[i]);
    }
    out += ']';
}

void append_key(std::string& out, bool& first, std::string_view key) {
    out += first ? "{\"" : ",\"";
    first = false;
    out += key;
    out += "\":";
}

}  // namespace

void append_json(std::string& out, const Filter& f) {
    bool first = true;
    auto hex = [&](std::span<const uint8_t> b) {
        out += '"';
        out += to_hex(b);
        out += '"';
    };
    if (f.ids) append_list(out, first, "ids", *f.ids, [&](const Id& id) { hex(id); });
    if (f.authors) append_list(out, first, "authors", *f.authors, [&](const crypto::XOnlyPubkey& p) { hex(p.bytes); });
    if (f.kinds) append_list(out, first, "kinds", *f.kinds, [&](uint16_t k) { append_uint(out, k); });
    for (const TagFilter& t : f.tags) {
        const char key[2] = {'#', t.name};
        append_list(out, first, std::string_view(key, 2), t.values,
                    [&](const std::string& v) { append_json_string(out, v); });
    }
    if (f.since) append_key(out, first, "since"), append_int(out, *f.since);
    if (f.until) append_key(out, first, "until"), append_int(out, *f.until);
    if (f.limit) append_key(out, first, "limit"), append_uint(out, *f.limit);
    if (f.search) append_key(out, first, "search"), append_json_string(out, *f.search);
    out += first ? "{}" : "}";
}

std::string to_json(const Filter& f) {
    std::string out;
    append_json(out, f);
    return out;
}

}  // namespace wsn::nostr
