#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.hpp"

namespace wsn::cli {

#define X(name) void register_##name(CLI::App&, Dispatch&);
#include "cli/commands.inc"
#undef X

void register_all(CLI::App& app, Dispatch& dispatch) {
#define X(name) register_##name(app, dispatch);
#include "cli/commands.inc"
#undef X
}

void Dispatch::on(CLI::App* command, std::function<int()> run) { handlers_.emplace_back(command, std::move(run)); }

int Dispatch::run() const {
    auto depth = [](const CLI::App* a) {
        int d = 0;
        while ((a = a->get_parent())) ++d;
        return d;
    };
    const std::function<int()>* best = nullptr;
    int best_depth = -1;
    for (const auto& [command, run] : handlers_)
        if (command->parsed() && depth(command) > best_depth) {
            best = &run;
            best_depth = depth(command);
        }
    if (!best) return fail("no command given (try --help)", 2);
    return (*best)();
}

int fail(const std::string& message, int code) {
    fmt::print(stderr, "wsn: error: {}\n", message);
    return code;
}

void warn(const std::string& message) { fmt::print(stderr, "wsn: warning: {}\n", message); }

}  // namespace wsn::cli
