#include "relay/count_answer.hpp"

#include <limits>

namespace wsn::relay {

CountAnswer::CountAnswer(const store::Store& store, std::string sub, std::vector<nostr::Filter> filters,
                         const PrivateKinds& kinds, Readers readers, int64_t now)
    : store_(store), kinds_(kinds), readers_(std::move(readers)), now_(now), answer_{std::move(sub), 0, {}, {}} {
    if (auto offset = nostr::hll_offset(filters)) {
        for (nostr::Filter& f : filters) f.limit.reset();  // COUNT ignores limit (NIP-45)
        hll_.emplace(*offset);
        walk_ = store.query(std::move(filters), std::numeric_limits<uint64_t>::max(), now);
        return;
    }
    auto hidden = kinds.private_part(filters);
    auto shown = kinds.visible_part(filters, readers_);
    sets_.push_back(std::move(filters));
    sets_.push_back(std::move(hidden));
    sets_.push_back(std::move(shown));
}

bool CountAnswer::step(uint64_t budget) {
    if (done_) return true;
    if (walk_) {
        done_ = walk_->step(budget, [&](const store::StoredEvent& e) {
            if (!kinds_.visible_json(e.json, readers_)) return;
            ++answer_.count;
            if (auto pk = nostr::compact_pubkey(e.json)) hll_->add(*pk);
        });
        if (done_) answer_.hll = hll_->registers();
        return done_;
    }
    for (bool worked = false; totals_.size() < sets_.size();) {
        std::vector<nostr::Filter>& set = sets_[totals_.size()];
        if (!counting_) {
            if (set.empty()) {  // no filter: nothing to count
                totals_.push_back(0);
                continue;
            }
            if (worked) return false;  // one count's work per step
            counting_ = store_.count(std::move(set), now_);
        }
        worked = true;
        if (!counting_->step(budget)) return false;
        totals_.push_back(counting_->total());
        counting_.reset();
    }
    const uint64_t all = totals_[0], hidden = totals_[1], readable = totals_[2];
    answer_.count = all - std::min(all, hidden) + readable;
    return done_ = true;
}

void CountAnswer::release() {
    if (walk_) walk_->release();
    if (counting_) counting_->release();
}

nostr::RelayCount CountAnswer::answer() const { return answer_; }

}  // namespace wsn::relay
