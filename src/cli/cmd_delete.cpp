// `wsn delete FILTER-JSON`: removes every stored event matching the filter.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "cli/store_flags.hpp"

namespace wsn::cli {

void register_delete(CLI::App& app, Dispatch& dispatch) {
    struct Flags {
        StoreFlags store;
        std::string filter_json;
    };
    auto f = std::make_shared<Flags>();
    auto* c = app.add_subcommand("delete", "Delete stored events matching a NIP-01 filter given as JSON");
    c->add_option("filter", f->filter_json, "e.g. '{\"authors\":[\"<hex>\"]}'")->required();
    add_store_flags(*c, f->store);
    dispatch.on(c, [f] {
        auto filter = filter_from_json(f->filter_json);
        if (!filter) return fail(filter.error().message, exit_usage);
        auto st = open_store(f->store);
        if (!st) return fail(st.error().message);
        auto n = (*st)->erase(*filter);
        if (!n) return fail(n.error().message);
        fmt::print("deleted {} events\n", *n);
        return 0;
    });
}

}  // namespace wsn::cli
