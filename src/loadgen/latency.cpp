#include "loadgen/latency.hpp"

#include <algorithm>
#include <cmath>

namespace wsn::loadgen {

void LatencyRecorder::merge(const LatencyRecorder& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
}

double LatencyRecorder::percentile_ms(double p) const {
    if (samples_.empty()) return 0;
    const double n = double(samples_.size());
    size_t rank = size_t(std::ceil(p / 100.0 * n));  // 1-based
    rank = std::clamp<size_t>(rank, 1, samples_.size());
    std::vector<int64_t> copy = samples_;
    std::nth_element(copy.begin(), copy.begin() + long(rank - 1), copy.end());
    return double(copy[rank - 1]) / 1e6;
}

double LatencyRecorder::mean_ms() const {
    if (samples_.empty()) return 0;
    long double sum = 0;
    for (auto s : samples_) sum += s;
    return double(sum / samples_.size()) / 1e6;
}

double LatencyRecorder::max_ms() const {
    return samples_.empty() ? 0 : double(*std::max_element(samples_.begin(), samples_.end())) / 1e6;
}

}  // namespace wsn::loadgen
