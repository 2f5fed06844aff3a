#include "cli/client_config.hpp"

#include <cmath>
#include <filesystem>

#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "files/state_file.hpp"
#include "wsn/address.hpp"

namespace wsn::cli {

std::string default_client_config_path() { return files::default_config_path("client.toml"); }

Result<ClientConfig> read_client_config(const std::string& path) {
    ClientConfig c;
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) return c;
    toml::table t;
    try {
        t = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return err(path + ": " + std::string(e.description()) + " (line " +
                   std::to_string(e.source().begin.line) + ")");
    }
    auto where = [&](const toml::node& n) { return " in " + path + " (line " + std::to_string(n.source().begin.line) + ")"; };
    for (auto&& [section, node] : t) {
        if (section != "discovery" || !node.is_table())
            return err("unknown section '" + std::string(section.str()) + "'" + where(node) + " (expected [discovery])");
        for (auto&& [key, v] : *node.as_table()) {
            const std::string k = "discovery." + std::string(key.str());
            if (key == "directories") {
                auto* arr = v.as_array();
                if (!arr) return err("bad value for '" + k + "'" + where(v) + ": expected an array of relay URLs");
                for (auto& item : *arr) {
                    auto s = item.value_exact<std::string>();
                    if (!s) return err("bad value for '" + k + "'" + where(item) + ": expected a relay URL string");
                    auto a = parse_relay_url(*s);
                    if (!a) return err("bad value for '" + k + "'" + where(item) + ": '" + *s + "': " + a.error().message);
                    if (a->key_only())
                        return err("bad value for '" + k + "'" + where(item) + ": a directory needs a host");
                    c.directories.push_back(*s);
                }
            } else if (key == "address_timeout" || key == "directory_timeout") {
                std::optional<double> secs;
                if (auto i = v.value_exact<int64_t>()) secs = double(*i);
                if (auto f = v.value_exact<double>()) secs = *f;
                if (!secs || !(*secs > 0) || *secs > 3600)
                    return err("bad value for '" + k + "'" + where(v) + ": expected seconds, more than 0 and at most 3600");
                auto ms = std::chrono::milliseconds(int64_t(std::ceil(*secs * 1000)));
                (key == "address_timeout" ? c.address_timeout : c.directory_timeout) = ms;
            } else if (key == "cache") {
                auto b = v.value_exact<bool>();
                if (!b) return err("bad value for '" + k + "'" + where(v) + ": expected true or false");
                c.cache = *b;
            } else {
                return err("unknown key '" + k + "'" + where(v));
            }
        }
    }
    return c;
}

}  // namespace wsn::cli
