#pragma once
// Which store to open and how (store/open.hpp). The relay's [store] section and the
// data commands' --data/--store flags fill it.
#include <chrono>
#include <cstdint>
#include <string>

namespace wsn::store {

struct LmdbOptions {
    std::string dir;                      // created if missing (the relay's default: relay::kDefaultDataDir)
    uint64_t map_size = 1ull << 40;       // LMDB map: address space, not disk (sparse); the
                                          // most the file may grow to (then: storage full)
    bool sync = true;                     // fsync on commit (off only for benchmarks/imports:
                                          // then a machine crash, not a process kill, may lose data)
    unsigned max_readers = 4096;          // read transactions open at once, all processes together
};

struct PostgresOptions {
    std::string url;       // libpq URL or key=value string: postgresql://user@host/db
    std::string read_url;  // optional streaming replica for REQ and COUNT
    unsigned pool_size = 4;  // connections for queries, besides the writer's and the feed's
    // Longest a statement may take (query, write batch, feed read), on the server and
    // waiting for an answer: past it the server cancels it, or the connection is given up.
    std::chrono::milliseconds timeout{10000};
};

enum class Backend { lmdb, postgres };

struct Options {
    Backend backend = Backend::lmdb;
    LmdbOptions lmdb;
    PostgresOptions postgres;
};

}  // namespace wsn::store
