#include "proxy/route.hpp"

namespace wsn::proxy {

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

Result<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
        if (lo < 0) return err("bad %-escape in the request path");
        out.push_back(char(hi * 16 + lo));
        i += 2;
    }
    return out;
}

Result<Address> upstream_for_target(std::string_view target, const std::optional<Address>& default_upstream) {
    if (!target.starts_with('/')) return err("request path must start with '/'");
    std::string_view rest = target.substr(1);
    if (rest.empty() || rest.starts_with('?')) {
        if (!default_upstream)
            return err("no relay in the path and no default upstream; connect to /wsn://npub1...@host:port");
        return *default_upstream;
    }
    auto decoded = percent_decode(rest);
    if (!decoded) return decoded.error();
    // Clients that collapse "//" in paths (nostr-tools does) turn "wsn://" into "wsn:/".
    if (size_t c = decoded->find(":/"); c != std::string::npos && c < 5 && decoded->compare(c, 3, "://") != 0)
        *decoded = decoded->substr(0, c) + "://" + decoded->substr(c + 2);
    auto a = parse_relay_url(*decoded);
    if (!a) return err("bad relay address in the path: " + a.error().message);
    return a;
}

}  // namespace wsn::proxy
