#pragma once
// What a verifier does to a batch before handling it (pure, unit-tested).
#include <cstddef>
#include <vector>

#include "relay/messages.hpp"

namespace wsn::relay {

// Drops the texts of every connection whose Closed is in the same batch: nobody is left
// to answer them, and a flood's backlog is not worked through after its sender left.
// Everything else keeps its order. Returns how many texts were dropped.
size_t drop_texts_of_closed(std::vector<IngestMsg>& batch);

}  // namespace wsn::relay
