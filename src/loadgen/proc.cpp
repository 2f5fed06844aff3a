#include "loadgen/proc.hpp"

#include <sys/resource.h>

#include <fstream>
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
