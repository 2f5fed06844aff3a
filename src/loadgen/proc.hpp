#pragma once
// What the idle workload reads from and sets on the local system.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "util/result.hpp"

namespace wsn::loadgen {

// VmRSS of process `pid` in KiB, from /proc/PID/status.
[[nodiscard]] Result<uint64_t> rss_kib(int pid);

// The CPU time (user + system, every thread) process `pid` has used so far, from /proc/PID/stat.
[[nodiscard]] Result<std::chrono::microseconds> cpu_time(int pid);
// The same from the text of a /proc/PID/stat file, with `ticks_per_second` (sysconf(_SC_CLK_TCK)).
[[nodiscard]] Result<std::chrono::microseconds> parse_stat_cpu_time(std::string_view stat, long ticks_per_second);

// Raises this process's open-file soft limit to at least `needed` (up to the hard
// limit); returns the soft limit in force afterwards.
uint64_t raise_nofile(uint64_t needed);

}  // namespace wsn::loadgen
