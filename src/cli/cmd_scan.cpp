// `wsn scan FILTER-JSON`: the stored events matching a NIP-01 filter given as JSON,
// as JSON lines, newest first (as export prints them), straight from the database.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "cli/store_flags.hpp"

namespace wsn::cli {

void register_scan(CLI::App& app, Dispatch& dispatch) {
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
        return print_events(f->store, std::move(*filter));
    });
}

}  // namespace wsn::cli
