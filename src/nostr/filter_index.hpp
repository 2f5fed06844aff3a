#pragma once
// Live subscriptions indexed so that a new event is tested only against the
// filters that could match it. Each filter is filed under one condition it
// cannot pass without: its ids, else its authors, else the values of its
// first tag filter, else its kinds; filters with none of these are checked
// for every event. Candidates found through the index are then run through
// Filter::matches for their other conditions, so the index only saves work
// and never changes a result.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "nostr/filter.hpp"

namespace wsn::nostr {

class FilterIndex {
public:
    // The caller's handle for one subscription (e.g. connection id and slot).
    using Key = uint64_t;

    // Adds a subscription (its filters are OR-ed), replacing any under the same key.
    void add(Key key, std::vector<Filter> filters);
    // Removes a subscription; unknown keys are ignored.
    void remove(Key key);
    size_t size() const { return subs_.size(); }
    // Lists held for ids, authors, tag values and kinds: only those of live subscriptions.
    size_t slots() const { return by_id_.size() + by_author_.size() + by_tag_.size() + by_kind_.size(); }

    // Sets `out` to the keys of the subscriptions that match e, each once, in
    // ascending order. `out` and internal scratch space are reused, so this is
    // not const: one index belongs to one thread.
    void matches(const Event& e, std::vector<Key>& out);

private:
    struct Entry {
        Key key;
        uint32_t filter;  // index into the subscription's filters
        Known known;      // the condition the filter is filed under
        bool operator==(const Entry&) const = default;
    };
    struct Hash32 {
        size_t operator()(const std::array<uint8_t, 32>& b) const;
    };
    using List = std::vector<Entry>;

    template <class F>
    void for_each_list(const Filter& f, F&& fn);  // the lists f is filed in

    std::unordered_map<Key, std::vector<Filter>> subs_;
    std::unordered_map<std::array<uint8_t, 32>, List, Hash32> by_id_;
    std::unordered_map<std::array<uint8_t, 32>, List, Hash32> by_author_;
    std::unordered_map<std::string, List> by_tag_;  // letter followed by value
    std::unordered_map<uint16_t, List> by_kind_;
    List unindexed_;
    std::vector<Entry> candidates_;
    std::string tag_key_;
};

}  // namespace wsn::nostr
