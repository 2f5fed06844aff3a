// `wsn`: thin over the libraries. Each subcommand lives in its cmd_<name>.cpp.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    // stdout carries command output (keys, JSON, events); logs go to stderr.
    spdlog::set_default_logger(spdlog::stderr_color_mt("wsn"));

    CLI::App app{"wsn: a Nostr relay and client addressable by the relay's own key (wsn://npub1...@host)", "wsn"};
    app.set_version_flag("--version", WSN_VERSION);
    app.require_subcommand(1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "Log debug details to stderr");

    wsn::cli::Dispatch dispatch;
    wsn::cli::register_all(app, dispatch);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; a bad command line exits 2.
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (verbose) spdlog::set_level(spdlog::level::debug);
    return dispatch.run();
}
