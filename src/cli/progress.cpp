#include "cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace wsn::cli {

namespace {

// 1234567 -> "1,234,567": counts read at a glance while they change.
std::string grouped(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string clock_time(double seconds) {
    auto s = uint64_t(std::max(0.0, std::round(seconds)));
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

int terminal_columns(FILE* out) {
    winsize ws{};
    if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

}  // namespace

std::string progress_line(uint64_t done, std::string_view unit, double seconds, std::optional<double> fraction,
                          int bar_width) {
    std::string rate = seconds > 0 ? grouped(uint64_t(done / seconds)) + "/s" : "-/s";
    std::string line;
    if (fraction) {
        double f = std::clamp(*fraction, 0.0, 1.0);
        int full = int(f * bar_width);
        line = "[" + std::string(size_t(full), '=') + (full < bar_width ? ">" : "") +
               std::string(size_t(std::max(0, bar_width - full - 1)), ' ') + "] " + fmt::format("{:3.0f}% ", f * 100);
        std::string eta = f > 0 ? clock_time(seconds * (1 - f) / f) : "-:--";
        return line + fmt::format("{} {}  {}  ETA {}", grouped(done), unit, rate, eta);
    }
    return fmt::format("{} {}  {}  {}", grouped(done), unit, rate, clock_time(seconds));
}

Progress::Progress(std::string unit, FILE* out)
    : unit_(std::move(unit)), out_(out), tty_(::isatty(::fileno(out)) == 1),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(uint64_t done, std::optional<double> fraction) {
    if (!tty_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    std::string line = progress_line(done, unit_, std::chrono::duration<double>(now - start_).count(), fraction);
    // Never wider than the terminal: a wrapped line could not be redrawn in place.
    line.resize(std::min(line.size(), size_t(std::max(1, terminal_columns(out_) - 1))));
    fmt::print(out_, "\r{}\x1b[K", line);
    std::fflush(out_);
}

void Progress::clear() {
    if (!drawn_) return;
    drawn_ = false;
    fmt::print(out_, "\r\x1b[K");
    std::fflush(out_);
}

}  // namespace wsn::cli
