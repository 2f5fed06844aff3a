#pragma once
// The flags that name a store for the data commands (import, export, scan, delete):
// --data DIR (LMDB, the default) or --store URL (PostgreSQL).
#include <memory>
#include <string>

#include "nostr/filter.hpp"
#include "relay/config.hpp"
#include "store/store.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace wsn::cli {

struct StoreFlags {
    std::string data_dir = std::string(relay::kDefaultDataDir);
    std::string store;  // "" or "lmdb": LMDB in data_dir; a postgresql:// URL: PostgreSQL
};

void add_store_flags(CLI::App& cmd, StoreFlags& f);

// Opens the store; `sync` = false turns off LMDB's fsync per commit (import --no-sync).
Result<std::unique_ptr<store::Store>> open_store(const StoreFlags& f, bool sync = true);

// Prints the stored events matching `filter` as JSON lines, newest first, ties by id
// (export, scan); returns the exit code. `report` (export): a progress bar on a terminal
// and a summary on stderr.
int print_events(const StoreFlags& f, nostr::Filter filter, bool report = false);

// A NIP-01 filter given as JSON on the command line (scan, delete); the error says what is wrong.
Result<nostr::Filter> filter_from_json(const std::string& json);

}  // namespace wsn::cli
