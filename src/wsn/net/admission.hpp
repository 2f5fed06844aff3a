#pragma once
// Who may open one more connection: a cap for the whole listener and one per client
// address, so one host cannot take every descriptor (and the memory behind them) while
// others wait. IPv6 clients are counted by their /64, the block one subscriber gets.
// Thread-safe; no I/O.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>

#include <boost/asio/ip/address.hpp>

namespace wsn::net {

// A client address as 16 bytes: IPv4 (also when it came v4-mapped on a dual-stack
// socket) as v4-mapped IPv6, IPv6 cut to its /64.
using ClientBlock = std::array<uint8_t, 16>;
ClientBlock client_block(const boost::asio::ip::address& a);

struct AdmissionLimits {
    size_t total = 0;   // open connections on the server; 0 = no cap
    size_t per_ip = 0;  // open connections from one ClientBlock; 0 = no cap
};

enum class Refusal { none, total, per_ip };

class Admission {
public:
    explicit Admission(AdmissionLimits limits) : limits_(limits) {}

    // Refusal::none: admitted, and leave() must follow when the connection ends.
    // `over_total`: the caller is freeing a place (it shed another connection).
    Refusal enter(const ClientBlock& from, bool over_total = false);
    void leave(const ClientBlock& from);
    size_t open() const;

private:
    AdmissionLimits limits_;
    mutable std::mutex mu_;
    size_t open_ = 0;
    std::map<ClientBlock, size_t> by_block_;
};

}  // namespace wsn::net
