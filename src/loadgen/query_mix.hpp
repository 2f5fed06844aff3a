#pragma once
// The req workload's filters, derived from a data set so every one can match:
// by id, by author (with a limit), by kind (with a limit), by tag (#t, #e, #p, with a
// limit), and author + kind. Deterministic for a given data set.
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace wsn::loadgen {

// `n` filters cycling through the five shapes; empty when `events` is.
std::vector<nostr::Filter> query_mix(const std::vector<nostr::Event>& events, size_t n);

}  // namespace wsn::loadgen
