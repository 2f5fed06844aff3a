#include "relay/count_answer.hpp"

#include <limits>

#include "nostr/nip45.hpp"

namespace wsn::relay {

namespace {

uint64_t index_count(const store::Store& store, std::vector<nostr::Filter> filters, int64_t now, uint64_t budget) {
    if (filters.empty()) return 0;
    auto c = store.count(std::move(filters), now);
    while (!c->step(budget)) {
    }
    return c->total();
}

}  // namespace

nostr::RelayCount count_answer(const store::Store& store, std::string sub, std::vector<nostr::Filter> filters,
                               CountReader who, int64_t now, uint64_t budget) {
    nostr::RelayCount answer{std::move(sub), 0, {}, {}};
    auto offset = nostr::hll_offset(filters);
    if (!offset) {
        // Every match, less the private ones, plus the private ones this reader may see:
        // three index counts, no event read. (Three snapshots: a write landing between
        // them can shift the answer by what it added, as any later count would.)
        auto hidden = who.kinds.private_part(filters);
        auto shown = who.kinds.visible_part(filters, who.readers);
        uint64_t all = index_count(store, std::move(filters), now, budget);
        uint64_t minus = index_count(store, std::move(hidden), now, budget);
        uint64_t plus = index_count(store, std::move(shown), now, budget);
        answer.count = all - std::min(all, minus) + plus;
        return answer;
    }
    for (nostr::Filter& f : filters) f.limit.reset();  // COUNT ignores limit (NIP-45)
    nostr::Hll hll(*offset);
    auto q = store.query(std::move(filters), std::numeric_limits<uint64_t>::max(), now);
    auto add = [&](const store::StoredEvent& e) {
        if (!who.kinds.visible_json(e.json, who.readers)) return;
        ++answer.count;
        if (auto pk = nostr::compact_pubkey(e.json)) hll.add(*pk);
    };
    while (!q->step(budget, add)) {
    }
    answer.hll = hll.registers();
    return answer;
}

}  // namespace wsn::relay
