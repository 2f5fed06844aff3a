#pragma once
// Progress of a long command (import, export, sync) on stderr. On a terminal: one line
// redrawn in place, at most ten times a second, with the count, the rate and, when the
// total is known, a bar and the time left. Not on a terminal: nothing, so that logs and
// pipes get only the command's own summary.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace wsn::cli {

// The line drawn for `done` units (e.g. "events") after `seconds`; with `fraction` (0..1,
// the share of the work done) a bar of `bar_width` cells, the percentage and the time
// left. Pure, for the tests.
std::string progress_line(uint64_t done, std::string_view unit, double seconds, std::optional<double> fraction,
                          int bar_width = 24);

class Progress {
public:
    // Draws only when `out` is a terminal.
    explicit Progress(std::string unit, FILE* out = stderr);
    ~Progress() { clear(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    bool on_terminal() const { return tty_; }
    // Redraws when the last drawing is at least 100 ms old. `fraction`: see progress_line.
    void update(uint64_t done, std::optional<double> fraction = std::nullopt);
    // Clears the line, so that a message or the summary that follows stands alone; the next
    // update() draws again.
    void clear();

private:
    std::string unit_;
    FILE* out_;
    bool tty_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace wsn::cli
