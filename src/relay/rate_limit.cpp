#include "relay/rate_limit.hpp"

#include <algorithm>
#include <functional>

namespace wsn::relay {

void TokenBucket::refill(const RateLimit& limit, double now) {
    if (now > last_) {
        tokens_ = std::min(limit.burst, tokens_ + (now - last_) * limit.per_second);
        last_ = now;
    }
}

bool TokenBucket::try_take(const RateLimit& limit, double now, double cost) {
    refill(limit, now);
    if (tokens_ < cost) return false;
    tokens_ -= cost;
    return true;
}

bool TokenBucket::full(const RateLimit& limit, double now) const {
    double elapsed = now > last_ ? now - last_ : 0;
    return tokens_ + elapsed * limit.per_second >= limit.burst;
}

KeyedBuckets::KeyedBuckets(RateLimit limit, size_t max_keys) : limit_(limit), max_keys_(std::max<size_t>(1, max_keys)) {}

void KeyedBuckets::reset(RateLimit limit) {
    limit_ = limit;
    index_.clear();
    lru_.clear();
}

bool KeyedBuckets::allow(std::string_view key, double now, double cost) {
    if (limit_.per_second <= 0) return true;
    // Buckets at the cold end that have refilled carry no information: drop them.
    // Each call drops at most a few, so the cost stays constant per call.
    for (int i = 0; i < 2 && !lru_.empty() && lru_.back().bucket.full(limit_, now); ++i) {
        index_.erase(lru_.back().key);
        lru_.pop_back();
    }
    auto it = index_.find(key);
    if (it != index_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);
        return it->second->bucket.try_take(limit_, now, cost);
    }
    if (index_.size() >= max_keys_) {
        index_.erase(lru_.back().key);
        lru_.pop_back();
    }
    lru_.push_front(Entry{std::string(key), TokenBucket(limit_, now)});
    index_.emplace(lru_.front().key, lru_.begin());
    return lru_.front().bucket.try_take(limit_, now, cost);
}

RateLimiter::RateLimiter(RateLimit limit, size_t max_keys) {
    size_t per_shard = std::max<size_t>(1, max_keys / kShards);
    for (auto& s : shards_) s.buckets = KeyedBuckets(limit, per_shard);
}

RateLimiter::Shard& RateLimiter::shard_of(std::string_view key) {
    return shards_[std::hash<std::string_view>{}(key) % kShards];
}

bool RateLimiter::allow(std::string_view key, double now, double cost) {
    Shard& s = shard_of(key);
    std::lock_guard lock(s.mu);
    return s.buckets.allow(key, now, cost);
}

size_t RateLimiter::size() const {
    size_t n = 0;
    for (auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.buckets.size();
    }
    return n;
}

void RateLimiter::reset(RateLimit limit) {
    for (auto& s : shards_) {
        std::lock_guard lock(s.mu);
        s.buckets.reset(limit);
    }
}

}  // namespace wsn::relay
