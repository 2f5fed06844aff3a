#pragma once
// Input limits the parsers enforce. The relay sets them from its config; the
// defaults are generous but bounded, so a parser never holds unbounded memory.
#include <cstddef>
#include <cstdint>

namespace wsn::nostr {

struct Limits {
    size_t max_message_bytes = 512 * 1024;  // whole JSON text of one message
    size_t max_filters = 16;                // filters in one REQ or COUNT
    size_t max_filter_values = 1000;        // entries in one ids/authors/kinds/#x list
    size_t max_tags = 2500;                 // tags in one event
    size_t max_tag_values = 64;             // strings in one tag
    size_t max_content_bytes = 256 * 1024;  // event content, in UTF-8 bytes
    size_t max_event_bytes = 256 * 1024;    // the event's JSON text, as sent (its stored compact form is never longer)
    size_t max_sub_id_length = 64;          // NIP-01: 1..64 characters
    size_t max_depth = 8;                   // JSON nesting (events need 4)
};

// For reading back events a store holds: they were checked when they were taken,
// under a config the reader may not know, so only JSON nesting stays bounded.
inline Limits stored_event_limits() {
    Limits l;
    constexpr size_t any = 0xFFFFFFFF;  // the largest document simdjson parses
    l.max_message_bytes = l.max_filters = l.max_filter_values = l.max_tags = l.max_tag_values = l.max_content_bytes =
        l.max_event_bytes = l.max_sub_id_length = any;
    return l;
}

// Highest created_at accepted by the parsers: 2^32-1 (year 2106). Newer events
// are nonsense today, and the bound lets stores keep timestamps in 32 bits.
inline constexpr int64_t kMaxCreatedAt = 0xFFFFFFFFLL;

}  // namespace wsn::nostr
