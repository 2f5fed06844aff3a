#include "relay/ingest_batch.hpp"

#include <algorithm>

namespace wsn::relay {

size_t drop_texts_of_closed(std::vector<IngestMsg>& batch) {
    std::vector<uint64_t> closed;  // few per batch: a sorted vector
    for (const auto& m : batch)
        if (const auto* c = std::get_if<in::Closed>(&m)) closed.push_back(c->conn);
    if (closed.empty()) return 0;
    std::sort(closed.begin(), closed.end());
    return std::erase_if(batch, [&](const IngestMsg& m) {
        const auto* t = std::get_if<in::Text>(&m);
        return t && std::binary_search(closed.begin(), closed.end(), t->conn);
    });
}

}  // namespace wsn::relay
