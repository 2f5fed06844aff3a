#include "wsn/net/listener_addresses.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>

namespace wsn::net {

std::vector<std::string> interface_addresses(bool v6) {
    std::vector<std::string> out;
    ifaddrs* ifs = nullptr;
    if (getifaddrs(&ifs) != 0) return out;
    for (ifaddrs* i = ifs; i; i = i->ifa_next) {
        if (!i->ifa_addr || !(i->ifa_flags & IFF_UP)) continue;
        char buf[INET6_ADDRSTRLEN] = {};
        if (!v6 && i->ifa_addr->sa_family == AF_INET) {
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
        } else if (v6 && i->ifa_addr->sa_family == AF_INET6) {
            auto* a = reinterpret_cast<sockaddr_in6*>(i->ifa_addr);
            if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr)) continue;
            inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
        } else {
            continue;
        }
        out.emplace_back(buf);
    }
    freeifaddrs(ifs);
    return out;
}

std::vector<std::string> listener_addresses(const std::vector<ListenAddress>& bound, const crypto::XOnlyPubkey& key) {
    std::vector<std::string> out;
    for (const ListenAddress& l : bound) {
        const bool any4 = l.host == "0.0.0.0", any6 = l.host == "::";
        const std::vector<std::string> hosts = any4 || any6 ? interface_addresses(any6) : std::vector<std::string>{l.host};
        for (const std::string& h : hosts) {
            auto host = parse_ip(h);
            if (!host) continue;
            Address a;
            a.scheme = l.tls ? Scheme::wsns : Scheme::wsn;
            a.key = key;
            a.host = *host;
            a.port = l.port;
            out.push_back(format_address(a));
        }
    }
    return out;
}

}  // namespace wsn::net
