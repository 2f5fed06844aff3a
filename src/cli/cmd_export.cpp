// `wsn export [filter flags]` and `wsn scan FILTER-JSON`: print stored events as JSON
// lines, newest first, straight from the relay's database (the relay may be running).
#include <algorithm>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "nostr/parser.hpp"
#include "cli/store_flags.hpp"

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

int print_matches(const StoreFlags& sf, nostr::Filter filter) {
    auto st = open_store(sf);
    if (!st) return fail(st.error().message);
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    auto q = (*st)->query({std::move(filter)}, std::numeric_limits<uint64_t>::max(), now);
    Output out;
    try {
        while (!q->step(100000, [&](const store::StoredEvent& e) { out.add(e); })) {
        }
    } catch (const store::DbError& e) {
        out.finish();
        return fail(e.what());
    }
    out.finish();
    return 0;
}

}  // namespace

Result<nostr::Filter> filter_from_json(const std::string& json) {
    nostr::Parser parser;
    auto f = parser.parse_filter(json);
    if (!f) return err("bad filter: " + f.error().message);
    return f;
}

void register_export(CLI::App& app, Dispatch& dispatch) {
    {
        struct Flags {
            StoreFlags store;
            FilterFlags filter;
        };
        auto f = std::make_shared<Flags>();
        auto* c = app.add_subcommand("export", "Print stored events matching the filter flags as JSON lines");
        add_store_flags(*c, f->store);
        add_filter_flags(*c, f->filter);
        dispatch.on(c, [f] {
            auto filter = build_filter(f->filter);
            if (!filter) return fail(filter.error().message, exit_usage);
            return print_matches(f->store, std::move(*filter));
        });
    }
    {
        struct Flags {
            StoreFlags store;
            std::string filter_json;
        };
        auto f = std::make_shared<Flags>();
        auto* c = app.add_subcommand("scan", "Query the database offline with a NIP-01 filter given as JSON");
        c->add_option("filter", f->filter_json, "e.g. '{\"kinds\":[1],\"limit\":10}'")->required();
        add_store_flags(*c, f->store);
        dispatch.on(c, [f] {
            auto filter = filter_from_json(f->filter_json);
            if (!filter) return fail(filter.error().message, exit_usage);
            return print_matches(f->store, std::move(*filter));
        });
    }
}

}  // namespace wsn::cli
