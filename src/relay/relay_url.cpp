#include "relay/relay_url.hpp"

#include <algorithm>
#include <cctype>

namespace wsn::relay {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

Result<std::string> normalize_relay_url(std::string_view url) {
    url = trim(url);
    size_t sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) return err("relay URL '" + std::string(url) + "' has no scheme://");
    std::string scheme = lower(url.substr(0, sep));
    std::string_view rest = url.substr(sep + 3);
    size_t end = rest.find_first_of("/?#");
    std::string host = lower(rest.substr(0, end));
    std::string_view tail = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (host.empty()) return err("relay URL '" + std::string(url) + "' has no host");
    // A default port says nothing more than its absence (an IPv6 host ends in ']' first).
    auto drop_port = [&](std::string_view port) {
        if (host.size() > port.size() && host.ends_with(port)) host.resize(host.size() - port.size());
    };
    if (scheme == "ws") drop_port(":80");
    if (scheme == "wss") drop_port(":443");
    std::string path(tail);
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.starts_with("/?") || path.starts_with("/#")) path.erase(0, 1);
    return scheme + "://" + host + path;
}

bool relay_url_matches(const std::vector<std::string>& urls, std::string_view tag) {
    if (urls.empty()) return true;
    auto t = normalize_relay_url(tag);
    if (!t) return false;
    return std::any_of(urls.begin(), urls.end(), [&](const std::string& u) {
        auto n = normalize_relay_url(u);
        return n && *n == *t;
    });
}

}  // namespace wsn::relay
