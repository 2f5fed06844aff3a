// `wsn export [filter flags]`: print stored events as JSON lines, newest first,
// straight from the relay's database (the relay may be running).
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "cli/store_flags.hpp"

namespace wsn::cli {

void register_export(CLI::App& app, Dispatch& dispatch) {
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
        return print_events(f->store, std::move(*filter), /*report=*/true);
    });
}

}  // namespace wsn::cli
