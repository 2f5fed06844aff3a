#pragma once
// The flags that name a store for the data commands (import, export, scan, delete):
// --data DIR (LMDB, the default) or --store URL (PostgreSQL).
#include <memory>
#include <string>

#include "store/store.hpp"

namespace CLI {
class App;
}

namespace wsn::cli {

struct StoreFlags {
    std::string data_dir = "wsn-data";
    std::string store;  // "" or "lmdb": LMDB in data_dir; a postgresql:// URL: PostgreSQL
};

void add_store_flags(CLI::App& cmd, StoreFlags& f);

// Opens the store; `sync` = false turns off LMDB's fsync per commit (import --no-sync).
Result<std::unique_ptr<store::Store>> open_store(const StoreFlags& f, bool sync = true);

}  // namespace wsn::cli
