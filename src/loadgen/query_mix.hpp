#pragma once
// The req workload's filters, derived from a data set so every one can match;
// deterministic for a given data set. Two mixes, as for the data sets (generator.hpp):
// - realistic: what clients ask a relay, each a tenth of the filters unless said: a home
//   feed (the authors of a follow list, kinds 1 and 6, limit 50); a thread's replies,
//   reposts and reactions (#e, kinds 1, 6, 7; a fifth); notifications (#p, kinds 1, 6, 7,
//   limit 50); profiles (kind 0 of 1-20 authors); an author's notes (kinds 1 and 6,
//   limit 20); a hashtag (#t, kind 1, limit 50); 1-5 ids; a follow list (kind 3 of one
//   author, limit 1); long-form articles (kind 30023, limit 20).
// - legacy: the filters of earlier versions: by id; by author, by kind, by tag (#t, #e,
//   #p), author + kind, each with a limit of 1, 10, 50 or 100.
#include <vector>

#include "loadgen/generator.hpp"
#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace wsn::loadgen {

// `n` filters for `events`; empty when `events` is.
std::vector<nostr::Filter> query_mix(const std::vector<nostr::Event>& events, size_t n, Mix mix);

}  // namespace wsn::loadgen
