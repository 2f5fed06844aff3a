#pragma once
// NIP-40: the `expiration` tag.
#include <charconv>
#include <cstdint>
#include <optional>

#include "nostr/event.hpp"

namespace wsn::nostr {

// The event's expiration time (unix seconds), or nullopt if it has no well-formed
// `expiration` tag (a value that is not a plain decimal number is ignored).
inline std::optional<uint64_t> expiration(const Event& e) {
    auto v = first_tag_value(e, "expiration");
    if (!v) return std::nullopt;
    uint64_t t = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), t);
    if (ec != std::errc{} || ptr != v->data() + v->size()) return std::nullopt;
    return t;
}

}  // namespace wsn::nostr
