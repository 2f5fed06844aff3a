#include "nostr/filter_index.hpp"

#include <algorithm>
#include <cstring>

namespace wsn::nostr {

namespace {

std::string tag_key(char name, std::string_view value) {
    std::string k(1, name);
    k += value;
    return k;
}

}  // namespace

// Ids and x-only keys are hashes or curve points: any 8 of their bytes are uniform.
size_t FilterIndex::Hash32::operator()(const std::array<uint8_t, 32>& b) const {
    size_t h;
    std::memcpy(&h, b.data(), sizeof h);
    return h;
}

template <class F>
void FilterIndex::for_each_list(const Filter& f, F&& fn) {
    // fn(list, forget, known): forget() drops the list's slot from its map once it is
    // empty; an event found in the list passes the condition `known`.
    auto in = [&](auto& map, const auto& k, Known known) { fn(map[k], [&] { map.erase(k); }, known); };
    if (f.ids) {
        for (const Id& id : *f.ids) in(by_id_, id, Known::ids);
    } else if (f.authors) {
        for (const auto& a : *f.authors) in(by_author_, a.bytes, Known::authors);
    } else if (!f.tags.empty()) {
        for (const std::string& v : f.tags[0].values) in(by_tag_, tag_key(f.tags[0].name, v), Known::first_tag);
    } else if (f.kinds) {
        for (uint16_t k : *f.kinds) in(by_kind_, k, Known::kinds);
    } else {
        fn(unindexed_, [] {}, Known::none);
    }
}

void FilterIndex::add(Key key, std::vector<Filter> filters) {
    remove(key);
    for (Filter& f : filters) f.normalize();  // the matcher binary-searches
    for (uint32_t i = 0; i < filters.size(); ++i)
        for_each_list(filters[i], [&](List& l, auto&&, Known known) { l.push_back({key, i, known}); });
    subs_.emplace(key, std::move(filters));
}

void FilterIndex::remove(Key key) {
    auto it = subs_.find(key);
    if (it == subs_.end()) return;
    for (const Filter& f : it->second) {
        // An emptied slot goes: REQs by ids or tags name ever new values, and kept
        // empty lists would grow the maps (and slow every lookup) without bound.
        for_each_list(f, [&](List& l, auto&& forget, Known) {
            std::erase_if(l, [&](const Entry& e) { return e.key == key; });
            if (l.empty()) forget();
        });
    }
    subs_.erase(it);
}

void FilterIndex::matches(const Event& e, std::vector<Key>& out) {
    out.clear();
    candidates_.clear();
    auto take = [&](const auto& map, const auto& k) {
        if (auto it = map.find(k); it != map.end())
            candidates_.insert(candidates_.end(), it->second.begin(), it->second.end());
    };
    take(by_id_, e.id);
    take(by_author_, e.pubkey.bytes);
    take(by_kind_, e.kind);
    for (const Tag& t : e.tags) {
        if (t.size() < 2 || t[0].size() != 1) continue;
        tag_key_.assign(t[0]);
        tag_key_ += t[1];
        take(by_tag_, tag_key_);
    }
    candidates_.insert(candidates_.end(), unindexed_.begin(), unindexed_.end());

    // A filter can be reached twice (two of its tag values on one event).
    std::sort(candidates_.begin(), candidates_.end(), [](const Entry& a, const Entry& b) {
        return a.key != b.key ? a.key < b.key : a.filter < b.filter;
    });
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end()), candidates_.end());
    for (const Entry& c : candidates_) {
        if (!out.empty() && out.back() == c.key) continue;  // already matched by another filter
        // The index looked the event up by exactly the condition it filed the filter
        // under: testing it again would be a second binary search per subscription.
        if (subs_.find(c.key)->second[c.filter].matches(e, c.known)) out.push_back(c.key);
    }
}

}  // namespace wsn::nostr
