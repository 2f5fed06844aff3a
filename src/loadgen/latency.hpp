#pragma once
// Latency samples and their percentiles. Each connection records into its own
// recorder (no locks on the hot path); the workload merges them at the end.
#include <chrono>
#include <cstdint>
#include <vector>

namespace wsn::loadgen {

class LatencyRecorder {
public:
    void add(std::chrono::nanoseconds d) { samples_.push_back(d.count()); }
    void merge(const LatencyRecorder& other);
    size_t count() const { return samples_.size(); }
    // Nearest-rank percentile (the smallest sample with at least p % of the samples at
    // or below it), in milliseconds; 0 when there are no samples. p in (0, 100].
    double percentile_ms(double p) const;
    double mean_ms() const;
    double max_ms() const;

private:
    std::vector<int64_t> samples_;  // nanoseconds
};

}  // namespace wsn::loadgen
