#include "relay/count_answer.hpp"

#include <limits>

#include "nostr/nip45.hpp"

namespace wsn::relay {

nostr::RelayCount count_answer(const store::Store& store, std::string sub, std::vector<nostr::Filter> filters,
                               int64_t now, uint64_t budget) {
    nostr::RelayCount answer{std::move(sub), 0, {}, {}};
    auto offset = nostr::hll_offset(filters);
    if (!offset) {
        auto c = store.count(std::move(filters), now);
        while (!c->step(budget)) {
        }
        answer.count = c->total();
        return answer;
    }
    for (nostr::Filter& f : filters) f.limit.reset();  // COUNT ignores limit (NIP-45)
    nostr::Hll hll(*offset);
    auto q = store.query(std::move(filters), std::numeric_limits<uint64_t>::max(), now);
    auto add = [&](const store::StoredEvent& e) {
        ++answer.count;
        if (auto pk = nostr::compact_pubkey(e.json)) hll.add(*pk);
    };
    while (!q->step(budget, add)) {
    }
    answer.hll = hll.registers();
    return answer;
}

}  // namespace wsn::relay
