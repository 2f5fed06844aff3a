#pragma once
// What the idle workload reads from and sets on the local system.
#include <cstdint>

#include "util/result.hpp"

namespace wsn::loadgen {

// VmRSS of process `pid` in KiB, from /proc/PID/status.
[[nodiscard]] Result<uint64_t> rss_kib(int pid);

// Raises this process's open-file soft limit to at least `needed` (up to the hard
// limit); returns the soft limit in force afterwards.
uint64_t raise_nofile(uint64_t needed);

}  // namespace wsn::loadgen
