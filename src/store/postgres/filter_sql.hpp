#pragma once
// NIP-01 filters as SQL over the schema of schema.hpp (sans-IO: text and parameters
// only). Every statement orders newest first by (created_at, seq), the keyset a
// query resumes from, so no server-side cursor lives between a query's steps.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nostr/filter.hpp"
#include "store/postgres/conn.hpp"

namespace wsn::store::pg {

// Where a query stands: the (created_at, seq) of the last event it sent.
struct Position {
    int64_t created_at = 0;
    int64_t seq = 0;
};

// Whether a filter can match nothing at all (an empty list, since > until, limit 0).
bool matches_nothing(const nostr::Filter& f);

// The rows (seq, created_at, json, f, id as hex) of one page of a REQ: for each filter i with
// limits[i] > 0, its next limits[i] matches older than `below` (all when nullopt),
// tagged f = i, merged newest first. An event matching several filters comes once per
// filter. Expired events (expires_at <= now) are left out when now > 0.
std::string page_sql(const std::vector<nostr::Filter>& filters, const std::vector<uint64_t>& limits,
                     const std::optional<Position>& below, int64_t now, Params& p);

// One row, one column: how many distinct events match any of the filters (NIP-45).
std::string count_sql(const std::vector<nostr::Filter>& filters, int64_t now, Params& p);

// The rows (created_at, id as hex) of up to max_rows distinct events matching any of the
// filters, expired ones left out (NIP-77, Store::scan_ids); no event JSON is read.
std::string ids_sql(const std::vector<nostr::Filter>& filters, uint64_t max_rows, int64_t now, Params& p);

// The seq of every event matching the filter, expired ones included (erase).
std::string seqs_sql(const nostr::Filter& f, Params& p);

}  // namespace wsn::store::pg
