#pragma once
// The wall clock as Nostr counts it, seconds since the Unix epoch: read at the edges
// (threads, commands), handed to the sans-IO code as a value.
#include <chrono>
#include <cstdint>

namespace wsn {

inline int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace wsn
