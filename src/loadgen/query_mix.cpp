#include "loadgen/query_mix.hpp"

#include <array>

#include "loadgen/rng.hpp"

namespace wsn::loadgen {

namespace {

constexpr std::array<uint64_t, 4> kLimits = {1, 10, 50, 100};

// A tag filter from the first one-letter tag of `e` with a value, if any.
bool tag_filter(const nostr::Event& e, nostr::Filter& f) {
    for (const auto& t : e.tags) {
        if (t.size() < 2 || t[0].size() != 1 || t[1].empty() || t[0] == "d") continue;
        f.tags.push_back({t[0][0], {t[1]}});
        return true;
    }
    return false;
}

}  // namespace

std::vector<nostr::Filter> query_mix(const std::vector<nostr::Event>& events, size_t n) {
    std::vector<nostr::Filter> out;
    if (events.empty()) return out;
    Rng rng(events.size());
    while (out.size() < n) {
        const auto& e = events[rng.below(events.size())];
        nostr::Filter f;
        const uint64_t limit = kLimits[rng.below(kLimits.size())];
        switch (out.size() % 5) {
            case 0: f.ids = std::vector<nostr::Id>{e.id}; break;
            case 1: f.authors = std::vector<crypto::XOnlyPubkey>{e.pubkey}, f.limit = limit; break;
            case 2: f.kinds = std::vector<uint16_t>{e.kind}, f.limit = limit; break;
            case 3:
                if (!tag_filter(e, f)) f.kinds = std::vector<uint16_t>{e.kind};
                f.limit = limit;
                break;
            default:
                f.authors = std::vector<crypto::XOnlyPubkey>{e.pubkey};
                f.kinds = std::vector<uint16_t>{e.kind};
                f.limit = limit;
        }
        f.normalize();
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace wsn::loadgen
