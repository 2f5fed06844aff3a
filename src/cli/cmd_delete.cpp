// `wsn delete FILTER-JSON`: removes every stored event matching the filter.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/client_flags.hpp"
#include "cli/commands.hpp"
#include "store/store.hpp"

namespace wsn::cli {

void register_delete(CLI::App& app, Dispatch& dispatch) {
    struct Flags {
        std::string data_dir = "wsn-data";
        std::string filter_json;
    };
    auto f = std::make_shared<Flags>();
    auto* c = app.add_subcommand("delete", "Delete stored events matching a NIP-01 filter given as JSON");
    c->add_option("filter", f->filter_json, "e.g. '{\"authors\":[\"<hex>\"]}'")->required();
    c->add_option("--data", f->data_dir, "Data folder")->capture_default_str();
    dispatch.on(c, [f] {
        auto filter = filter_from_json(f->filter_json);
        if (!filter) return fail(filter.error().message, exit_usage);
        store::Options so;
        so.dir = f->data_dir;
        auto st = store::Store::open(so);
        if (!st) return fail(st.error().message);
        auto n = (*st)->erase(*filter);
        if (!n) return fail(n.error().message);
        fmt::print("deleted {} events\n", *n);
        return 0;
    });
}

}  // namespace wsn::cli
