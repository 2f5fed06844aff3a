#include "store/postgres/seq_tail.hpp"

#include <algorithm>

namespace wsn::store::pg {

void SeqTail::start(uint64_t last, uint64_t window, const std::vector<uint64_t>& present, uint64_t xmax) {
    last_ = last;
    gaps_.clear();
    uint64_t from = last > window ? last - window + 1 : 1;
    for (uint64_t s : present) {
        if (s < from || s > last) continue;
        add_gaps(from, s, xmax);
        from = s + 1;
    }
    add_gaps(from, last + 1, xmax);
}

std::vector<uint64_t> SeqTail::gaps() const {
    std::vector<uint64_t> out;
    out.reserve(gaps_.size());
    for (const auto& [seq, xmax] : gaps_) out.push_back(seq);
    return out;
}

void SeqTail::apply(const std::vector<uint64_t>& found, const std::vector<uint64_t>& above, uint64_t xmin,
                    uint64_t xmax) {
    for (uint64_t s : found) gaps_.erase(s);
    // What is still missing is closed once every transaction that could hold it has ended.
    std::erase_if(gaps_, [&](const auto& g) { return g.second <= xmin; });
    for (uint64_t s : above) {
        if (s <= last_) continue;  // not from this read's "above" part: ignore
        add_gaps(last_ + 1, s, xmax);
        last_ = s;
    }
}

void SeqTail::add_gaps(uint64_t from, uint64_t to, uint64_t xmax) {
    if (to > from + kMaxGaps) {  // only the newest kMaxGaps could be kept anyway
        dropped_ += to - kMaxGaps - from;
        from = to - kMaxGaps;
    }
    for (uint64_t n = from; n < to; ++n) {
        if (gaps_.size() >= kMaxGaps) {
            gaps_.erase(gaps_.begin());
            ++dropped_;
        }
        gaps_.emplace(n, xmax);
    }
}

}  // namespace wsn::store::pg
