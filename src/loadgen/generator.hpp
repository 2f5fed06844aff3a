#pragma once
// The deterministic data set of `wsn bench gen` and of the publish/req workloads:
// the same options give byte-identical events (keys, BIP-340 aux randomness and
// every field derive from the seed; created_at counts up from a fixed base, never
// from the clock). The mix is realistic: kind 1 notes of varied lengths with e/p/t
// tags, kind 7 reactions, one kind 0 profile and at most one kind 3 follow list per
// author (so no event replaces another: every accepted event stays stored), and
// kind 30023 articles with distinct d tags.
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"

namespace wsn::loadgen {

// 2023-11-14: in the past, so a relay's max_future_seconds never refuses the set.
inline constexpr int64_t kDefaultBaseTime = 1700000000;

struct GenOptions {
    uint64_t count = 1000;
    uint64_t seed = 1;
    size_t authors = 100;  // size of the author pool (at least 1)
    int64_t base_time = kDefaultBaseTime;  // event i has created_at base_time + i
    unsigned threads = 1;  // signing threads; the output does not depend on them
};

// The author pool's key `index` for `seed`.
crypto::SecretKey author_key(uint64_t seed, size_t index);

// Generates and signs `count` events in order.
std::vector<nostr::Event> generate(const GenOptions& opts);

// Signs events whose other fields (and id) are set: event i with keys[author[i]],
// aux randomness derived from seed and i; spread over `threads` threads.
void sign_all(std::vector<nostr::Event>& events, const std::vector<crypto::SecretKey>& keys,
              const std::vector<size_t>& author, uint64_t seed, unsigned threads);

}  // namespace wsn::loadgen
