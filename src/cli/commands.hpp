#pragma once
// The subcommand registry. Each cmd_<name>.cpp defines
//   void register_<name>(CLI::App& app, Dispatch& dispatch);
// which adds its subcommand(s) to `app` and hands `dispatch` the function that
// runs each one. src/cli/CMakeLists.txt lists the commands (one word each).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "nostr/filter.hpp"
#include "util/result.hpp"

namespace CLI {
class App;
}

namespace wsn::cli {

class Dispatch {
public:
    // `run` executes `command` once the command line is parsed; it returns the exit code.
    void on(CLI::App* command, std::function<int()> run);
    // Runs the handler of the most deeply nested command that was given; 2 if none was.
    int run() const;

private:
    std::vector<std::pair<CLI::App*, std::function<int()>>> handlers_;
};

// Calls every register_<name>.
void register_all(CLI::App& app, Dispatch& dispatch);

// Prints "wsn: error: <message>" to stderr and returns `code`, for `return fail(...)`.
int fail(const std::string& message, int code = 1);
// Prints "wsn: warning: <message>" to stderr.
void warn(const std::string& message);

}  // namespace wsn::cli
