#pragma once
// What the workloads read from /proc about the relay, and set on the local system.
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

// The bytes process `pid` has caused to be written to storage so far (write_bytes of
// /proc/PID/io: page-cache pages it dirtied, so a database's copy-on-write pages count).
// Reading another process's io file takes the same user or root.
[[nodiscard]] Result<uint64_t> write_bytes(int pid);
// The same from the text of a /proc/PID/io file.
[[nodiscard]] Result<uint64_t> parse_io_write_bytes(std::string_view io);

// Raises this process's open-file soft limit to at least `needed` (up to the hard
// limit); returns the soft limit in force afterwards.
uint64_t raise_nofile(uint64_t needed);

}  // namespace wsn::loadgen
