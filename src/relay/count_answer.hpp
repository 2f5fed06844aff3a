#pragma once
// The answer to a NIP-45 COUNT. The store counts by its indexes alone where it can;
// filters eligible for a HyperLogLog (nostr/nip45.hpp) are answered by walking the
// matching events instead, which counts them and fills the registers from their
// authors in one pass. Events of private kinds count only when the connection may
// read them (private_kinds.hpp), either way.
#include <cstdint>
#include <string>
#include <vector>

#include "nostr/filter.hpp"
#include "nostr/message.hpp"
#include "relay/private_kinds.hpp"
#include "store/store.hpp"

namespace wsn::relay {

// Who is counting: the relay's private kinds and the connection's readers.
struct CountReader {
    const PrivateKinds& kinds;
    const Readers& readers;
};

// Runs to completion, `budget` units per store step; throws store::DbError as the store does.
nostr::RelayCount count_answer(const store::Store& store, std::string sub, std::vector<nostr::Filter> filters,
                               CountReader who, int64_t now, uint64_t budget);

}  // namespace wsn::relay
