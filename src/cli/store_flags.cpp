#include "cli/store_flags.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "nostr/parser.hpp"
#include "store/open.hpp"

namespace wsn::cli {

namespace {

// Events of one created_at go out sorted by id (NIP-01's order for ties), not in the
// order they were stored, so the output depends on the events alone and a database
// restored from it exports the same bytes. Each stored line starts {"id":"<hex>", so
// sorting lines sorts by id. Past kMaxTieBytes of events in one second (only a
// synthetic set has that many) the rest of that second goes out in store order
// rather than be held in memory.
class Output {
public:
    void add(const store::StoredEvent& e) {
        if (e.created_at != second_) {
            flush_ties();
            second_ = e.created_at;
            in_store_order_ = false;
        }
        tie_bytes_ += e.json.size();
        ties_.emplace_back(e.json);
        if (tie_bytes_ > kMaxTieBytes) {
            in_store_order_ = true;
            flush_ties();
        }
    }
    void finish() {
        flush_ties();
        std::cout << out_ << std::flush;
    }

private:
    static constexpr size_t kMaxTieBytes = 64 << 20;

    void flush_ties() {
        if (!in_store_order_) std::sort(ties_.begin(), ties_.end());
        for (const std::string& line : ties_) {
            out_ += line;
            out_ += '\n';
            if (out_.size() > (1 << 20)) {
                std::cout << out_;
                out_.clear();
            }
        }
        ties_.clear();
        tie_bytes_ = 0;
    }

    std::string out_;
    std::vector<std::string> ties_;  // the events of `second_` not yet written
    size_t tie_bytes_ = 0;
    int64_t second_ = -1;
    bool in_store_order_ = false;
};

}  // namespace

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

namespace {

// How many events the export will write, for its bar: counted first, from the indexes
// where the filter allows (only on a terminal, where someone watches the bar).
uint64_t export_total(const store::Store& db, const nostr::Filter& filter, int64_t now) {
    auto c = db.count({filter}, now);
    while (!c->step(100000)) {
    }
    return filter.limit ? std::min(c->total(), *filter.limit) : c->total();
}

}  // namespace

int print_events(const StoreFlags& sf, nostr::Filter filter, bool report) {
    auto st = open_store(sf);
    if (!st) return fail(st.error().message);
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    auto t0 = std::chrono::steady_clock::now();
    Progress progress("events");
    uint64_t written = 0;
    std::optional<uint64_t> total;
    Output out;
    try {
        if (report && progress.on_terminal()) total = export_total(**st, filter, now);
        auto q = (*st)->query({std::move(filter)}, std::numeric_limits<uint64_t>::max(), now);
        bool done = false;
        while (!done) {
            done = q->step(10000, [&](const store::StoredEvent& e) {
                out.add(e);
                ++written;
            });
            if (report)
                progress.update(written, total ? std::optional(double(written) / double(std::max<uint64_t>(*total, 1)))
                                               : std::nullopt);
        }
    } catch (const store::DbError& e) {
        out.finish();
        progress.clear();
        return fail(e.what());
    }
    out.finish();
    progress.clear();
    if (report) {
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        fmt::print(stderr, "exported {} events in {:.2f} s ({:.0f} events/s)\n", written, s, written / std::max(s, 1e-9));
    }
    return 0;
}

Result<nostr::Filter> filter_from_json(const std::string& json) {
    nostr::Parser parser;
    auto f = parser.parse_filter(json);
    if (!f) return err("bad filter: " + f.error().message);
    return f;
}

}  // namespace wsn::cli
