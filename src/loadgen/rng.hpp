#pragma once
// SplitMix64: a tiny PRNG whose output is the same on every platform and standard
// library (std::uniform_int_distribution is not), so a seed names one data set.
#include <cstdint>

namespace wsn::loadgen {

class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform enough in [0, n) for n far below 2^64 (n > 0).
    uint64_t below(uint64_t n) { return next() % n; }
    // In [lo, hi].
    uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
    // True with probability percent/100.
    bool chance(unsigned percent) { return below(100) < percent; }

private:
    uint64_t state_;
};

}  // namespace wsn::loadgen
