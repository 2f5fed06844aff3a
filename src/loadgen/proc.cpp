#include "loadgen/proc.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace wsn::loadgen {

Result<uint64_t> rss_kib(int pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    std::ifstream in(path);
    if (!in) return err("cannot read " + path + " (no process " + std::to_string(pid) + " on this machine?)");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("VmRSS:")) continue;
        try {
            return uint64_t(std::stoull(line.substr(6)));  // "VmRSS:\t  12345 kB"
        } catch (const std::exception&) {
            break;
        }
    }
    return err("no VmRSS line in " + path);
}

Result<std::chrono::microseconds> parse_stat_cpu_time(std::string_view stat, long ticks_per_second) {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are
    // counted from the last ')'; utime and stime are fields 14 and 15.
    auto close = stat.rfind(')');
    if (close == std::string_view::npos || ticks_per_second <= 0) return err("unreadable /proc stat line");
    std::string_view rest = stat.substr(close + 1);
    uint64_t ticks = 0;
    for (int field = 3; field <= 15; ++field) {
        auto start = rest.find_first_not_of(' ');
        if (start == std::string_view::npos) return err("short /proc stat line");
        rest.remove_prefix(start);
        auto end = std::min(rest.find(' '), rest.size());
        if (field >= 14) {
            uint64_t v = 0;
            auto [p, ec] = std::from_chars(rest.data(), rest.data() + end, v);
            if (ec != std::errc() || p != rest.data() + end) return err("bad CPU time in /proc stat line");
            ticks += v;
        }
        rest.remove_prefix(end);
    }
    return std::chrono::microseconds(int64_t(ticks * 1000000 / uint64_t(ticks_per_second)));
}

Result<std::chrono::microseconds> cpu_time(int pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    std::ifstream in(path);
    std::stringstream text;
    if (!(in && text << in.rdbuf())) return err("cannot read " + path + " (no process " + std::to_string(pid) + " on this machine?)");
    auto t = parse_stat_cpu_time(text.str(), sysconf(_SC_CLK_TCK));
    if (!t) return err(path + ": " + t.error().message);
    return t;
}

Result<uint64_t> parse_io_write_bytes(std::string_view io) {
    constexpr std::string_view key = "\nwrite_bytes:";
    auto at = io.find(key);
    if (at == std::string_view::npos) return err("no write_bytes line in the /proc io file");
    std::string_view rest = io.substr(at + key.size());
    rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    if (ec != std::errc() || (p != rest.data() + rest.size() && *p != '\n')) return err("bad write_bytes in the /proc io file");
    return v;
}

Result<uint64_t> write_bytes(int pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/io";
    std::ifstream in(path);
    std::stringstream text;
    if (!(in && text << in.rdbuf())) return err("cannot read " + path + " (not this user's process, or none)");
    auto w = parse_io_write_bytes(text.str());
    if (!w) return err(path + ": " + w.error().message);
    return w;
}

uint64_t raise_nofile(uint64_t needed) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
    if (lim.rlim_cur < needed) {
        lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? needed : std::min<rlim_t>(needed, lim.rlim_max);
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    return lim.rlim_cur;
}

}  // namespace wsn::loadgen
