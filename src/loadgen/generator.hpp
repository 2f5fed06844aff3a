#pragma once
// The deterministic data set of `wsn bench gen` and of the publish/req/fanout workloads:
// the same options give byte-identical events (keys, BIP-340 aux randomness and every
// field derive from the seed; created_at counts up from `base_time`, which the caller
// chooses: the generator never reads the clock). No event of a set replaces another
// (at most one kind 0 and one kind 3 per author, distinct d tags), so a relay that
// accepts them all stores them all.
#include <cstdint>
#include <vector>

#include "crypto/keys.hpp"
#include "nostr/event.hpp"

namespace wsn::loadgen {

// realistic: what a public relay holds today (docs/tools.md gives the shares): notes
//   with NIP-10 threads, e/p/t tags, reactions and reposts of notes, profiles, follow
//   lists of 50-350 p tags, long-form articles; about 1.2 KB an event on average.
// legacy: the set of earlier versions, byte for byte (for figures recorded with it).
enum class Mix { realistic, legacy };

// The legacy set's base: 2023-11-14, which strfry now refuses as older than 3 years.
inline constexpr int64_t kLegacyBaseTime = 1700000000;

// 00:00 UTC thirty days before the day of `now` (Unix seconds): recent for every
// relay's age limit, in the past for sets of up to 2.5 million events, and the
// same all day long, so a day's runs share their data set.
int64_t recent_base_time(int64_t now);

// The author pool of a mix unless told otherwise: 1,000 (realistic), 100 (legacy).
size_t default_authors(Mix mix);

struct GenOptions {
    uint64_t count = 1000;
    uint64_t seed = 1;
    Mix mix = Mix::realistic;
    size_t authors = 1000;  // size of the author pool (at least 1)
    int64_t base_time = kLegacyBaseTime;  // event i has created_at base_time + i
    unsigned threads = 1;  // signing threads; the output does not depend on them
};

// The author pool's key `index` for `seed`.
crypto::SecretKey author_key(uint64_t seed, size_t index);

// Generates and signs `count` events in order.
std::vector<nostr::Event> generate(const GenOptions& opts);

}  // namespace wsn::loadgen
