#pragma once
// The answer to a NIP-45 COUNT, sliced like a REQ's query so that it takes its turns
// with the others (query_worker.hpp). The store counts by its indexes alone where it
// can; filters eligible for a HyperLogLog (nostr/nip45.hpp) are answered by walking the
// matching events instead, which counts them and fills the registers from their authors
// in one pass. Events of private kinds count only when the connection may read them
// (private_kinds.hpp), either way.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nostr/filter.hpp"
#include "nostr/message.hpp"
#include "nostr/nip45.hpp"
#include "relay/private_kinds.hpp"
#include "store/store.hpp"

namespace wsn::relay {

class CountAnswer {
public:
    CountAnswer(const store::Store& store, std::string sub, std::vector<nostr::Filter> filters,
                const PrivateKinds& kinds, Readers readers, int64_t now);
    // About `budget` units of the store's work; true once answer() is final. Throws
    // store::DbError as the store does.
    bool step(uint64_t budget);
    // Lets go of the store's snapshot until the next step.
    void release();
    nostr::RelayCount answer() const;

private:
    const store::Store& store_;
    const PrivateKinds& kinds_;
    Readers readers_;
    int64_t now_;
    nostr::RelayCount answer_;
    // Index counts: every match, the private ones, the private ones this reader may see;
    // answer = all - private + readable, counted one after the other. (Each on its own
    // snapshot: a write landing between them can shift the answer by what it added, as
    // any later count would.)
    std::vector<std::vector<nostr::Filter>> sets_;
    std::vector<uint64_t> totals_;
    std::unique_ptr<store::Count> counting_;
    // HyperLogLog: the matching events walked.
    std::unique_ptr<store::Query> walk_;
    std::optional<nostr::Hll> hll_;
    bool done_ = false;
};

}  // namespace wsn::relay
