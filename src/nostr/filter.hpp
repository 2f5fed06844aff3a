#pragma once
// NIP-01 filters and the matcher the relay runs for every live subscription on
// every new event. Lists are kept sorted and unique so a match is a few binary
// searches; an absent list matches anything, a present but empty one nothing.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nostr/event.hpp"

namespace wsn::nostr {

// "#x": events with a tag named x (one letter a-z/A-Z) whose value (element 1)
// is one of `values`.
struct TagFilter {
    char name = 0;
    std::vector<std::string> values;  // sorted, unique
    bool operator==(const TagFilter&) const = default;
};

// A condition a caller already knows an event passes, so matching may skip it
// (FilterIndex found the filter through exactly that condition).
enum class Known : uint8_t { none, ids, authors, first_tag, kinds };

struct Filter {
    std::optional<std::vector<Id>> ids;                     // exact ids, sorted, unique
    std::optional<std::vector<crypto::XOnlyPubkey>> authors;  // exact pubkeys, sorted, unique
    std::optional<std::vector<uint16_t>> kinds;             // sorted, unique
    std::vector<TagFilter> tags;                            // sorted by name; all must hold
    std::optional<int64_t> since;                           // created_at >= since
    std::optional<int64_t> until;                           // created_at <= until
    std::optional<uint64_t> limit;                          // for stored events only
    std::optional<std::string> search;                      // NIP-50, carried, not matched

    // Sorts and de-duplicates every list and orders tag filters by name:
    // needed after filling a Filter by hand; parsed filters already are.
    void normalize();
    // Whether e passes every condition but `known`; `limit` and `search` are ignored.
    bool matches(const Event& e, Known known = Known::none) const;
    // The tag filter for `name`, or nullptr.
    const TagFilter* tag(char name) const;

    bool operator==(const Filter&) const = default;
};

// Tags a "#x" filter can name, and so the tags a store indexes: a one-letter name
// (a-z, A-Z) and a value.
inline bool is_filterable_tag(const Tag& t) {
    if (t.size() < 2 || t[0].size() != 1) return false;
    char c = t[0][0];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// True if any filter matches (a REQ's filters are OR-ed). An empty set matches nothing.
bool matches_any(std::span<const Filter> filters, const Event& e);

// Compact JSON of a filter, keys in a fixed order; parses back to an equal Filter.
std::string to_json(const Filter& f);
void append_json(std::string& out, const Filter& f);

}  // namespace wsn::nostr
