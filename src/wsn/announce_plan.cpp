#include "wsn/announce_plan.hpp"

#include <algorithm>

#include "wsn/announcement.hpp"

namespace wsn {

std::vector<Address> reachable_addresses(const std::vector<std::string>& listener_addresses) {
    std::vector<Address> all, outside;
    for (const auto& s : listener_addresses) {
        auto a = parse_relay_url(s);
        if (!a || a->key_only()) continue;
        all.push_back(*a);
        if (!is_loopback(a->host.name)) outside.push_back(*a);
    }
    return outside.empty() ? all : outside;
}

bool announcement_due(const std::optional<nostr::Event>& last, const std::vector<Address>& addresses, int64_t now,
                      int64_t interval) {
    if (!last) return true;
    if (now - last->created_at >= interval) return true;
    std::vector<nostr::Tag> want;
    for (const Address& a : addresses) want.push_back(transport_tag(Transport{network_of(a.host), a}));
    std::vector<nostr::Tag> have;
    for (const auto& t : last->tags)
        if (!t.empty() && t[0] != "expiration") have.push_back(t);
    return want != have;
}

int64_t next_created_at(const std::optional<nostr::Event>& last, int64_t now) {
    return last ? std::max(now, last->created_at + 1) : now;
}

std::chrono::milliseconds next_retry(std::chrono::milliseconds previous) {
    return std::clamp(previous * 2, kFirstRetry, kMaxRetry);
}

}  // namespace wsn
