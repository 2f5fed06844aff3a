#include "cli/store_flags.hpp"

#include <CLI/CLI.hpp>

#include "store/open.hpp"

namespace wsn::cli {

void add_store_flags(CLI::App& cmd, StoreFlags& f) {
    cmd.add_option("--data", f.data_dir, "Data folder of an LMDB store")->capture_default_str();
    cmd.add_option("--store", f.store,
                   "The store: lmdb (in --data, the default) or a PostgreSQL URL, e.g. postgresql://wsn@db/wsn");
}

Result<std::unique_ptr<store::Store>> open_store(const StoreFlags& f, bool sync) {
    store::Options so;
    so.lmdb.dir = f.data_dir;
    so.lmdb.sync = sync;
    if (store::is_postgres_url(f.store)) {
        so.backend = store::Backend::postgres;
        so.postgres.url = f.store;
        so.postgres.pool_size = 1;
        so.postgres.timeout = std::chrono::milliseconds(0);  // an operator's command: Ctrl-C bounds it
    } else if (!f.store.empty() && f.store != "lmdb") {
        return err("bad --store '" + f.store + "': expected lmdb or a postgresql:// URL");
    }
    return store::open(so);
}

}  // namespace wsn::cli
