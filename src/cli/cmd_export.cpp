// `wsn export [filter flags]` and `wsn scan FILTER-JSON`: print stored events as JSON
// lines, newest first, straight from the relay's database (the relay may be running).
#include <iostream>
#include <limits>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "nostr/parser.hpp"
#include "cli/store_flags.hpp"

namespace wsn::cli {

namespace {

int print_matches(const StoreFlags& sf, nostr::Filter filter) {
    auto st = open_store(sf);
    if (!st) return fail(st.error().message);
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
    auto q = (*st)->query({std::move(filter)}, std::numeric_limits<uint64_t>::max(), now);
    std::string out;
    try {
        while (!q->step(100000, [&](const store::StoredEvent& e) {
            out.append(e.json);
            out.push_back('\n');
            if (out.size() > (1 << 20)) {
                std::cout << out;
                out.clear();
            }
        })) {
        }
    } catch (const store::DbError& e) {
        std::cout << out << std::flush;
        return fail(e.what());
    }
    std::cout << out << std::flush;
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
