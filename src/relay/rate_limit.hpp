#pragma once
// Token-bucket rate limits (config [rate_limits]). Time is passed in as monotonic
// seconds, so the buckets are plain arithmetic and tests use a fake clock.
//
//   TokenBucket  one bucket: starts full, refills at per_second up to burst.
//   KeyedBuckets a bucket per key (an IP, a pubkey) with bounded memory; one thread.
//   RateLimiter  KeyedBuckets in mutex-guarded shards, for the verifier threads.
#include <array>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "relay/config.hpp"

namespace wsn::relay {

class TokenBucket {
public:
    // A full bucket at time `now`.
    TokenBucket(const RateLimit& limit, double now) : tokens_(limit.burst), last_(now) {}

    // Refills for the time since the last call, then takes `cost` tokens if there are
    // that many. Returns whether they were taken. A clock going backwards adds nothing.
    bool try_take(const RateLimit& limit, double now, double cost = 1);
    // True when the bucket would be full at `now`: it then says nothing a new bucket
    // would not, and may be forgotten.
    bool full(const RateLimit& limit, double now) const;

private:
    void refill(const RateLimit& limit, double now);
    double tokens_;
    double last_;
};

// One bucket per key. Memory is bounded by max_keys: buckets that have refilled are
// dropped as they age, and past max_keys the least recently used key is forgotten
// (it starts again with a full bucket). Not thread-safe.
class KeyedBuckets {
public:
    explicit KeyedBuckets(RateLimit limit = {}, size_t max_keys = 65536);

    // Whether `key` may spend `cost` now. Always true when per_second is 0 (unlimited).
    bool allow(std::string_view key, double now, double cost = 1);
    // Keys currently holding a bucket.
    size_t size() const { return index_.size(); }
    // New limit; forgets every bucket.
    void reset(RateLimit limit);

private:
    struct Entry {
        std::string key;
        TokenBucket bucket;
    };
    RateLimit limit_;
    size_t max_keys_;
    std::list<Entry> lru_;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into lru_ keys
};

// KeyedBuckets split into shards by key hash, each behind its own mutex, so verifier
// threads rarely wait on each other. max_keys is the total over all shards.
class RateLimiter {
public:
    explicit RateLimiter(RateLimit limit = {}, size_t max_keys = 65536);

    bool allow(std::string_view key, double now, double cost = 1);
    size_t size() const;
    // Sets a new limit (e.g. from the loaded config) and forgets every bucket.
    void reset(RateLimit limit);

private:
    static constexpr size_t kShards = 16;
    struct Shard {
        mutable std::mutex mu;
        KeyedBuckets buckets;
    };
    Shard& shard_of(std::string_view key);
    std::array<Shard, kShards> shards_;
};

}  // namespace wsn::relay
