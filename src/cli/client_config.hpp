#pragma once
// The client config file: defaults for every client command, read from
// $XDG_CONFIG_HOME/wsn/client.toml (else ~/.config/wsn/client.toml); no file, no defaults.
//
//     [discovery]
//     directories = ["ws://203.0.113.9:7447", "wsn://npub1…@198.51.100.4:7447"]
//     address_timeout = 3    # seconds for each address tried (clearnet)
//     directory_timeout = 5  # seconds for the whole directory lookup
//     cache = true           # remember the last good address (false: never write the cache file)
#include <chrono>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace wsn::cli {

struct ClientConfig {
    std::vector<std::string> directories;
    std::chrono::milliseconds address_timeout{3000};
    std::chrono::milliseconds directory_timeout{5000};
    bool cache = true;
};

// The config at `path` ("" or a missing file: the defaults). Errors name the key and line.
[[nodiscard]] Result<ClientConfig> read_client_config(const std::string& path);
// Where read_client_config looks by default.
std::string default_client_config_path();

}  // namespace wsn::cli
