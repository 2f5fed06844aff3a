#include "wsn/net/admission.hpp"

#include <algorithm>

namespace wsn::net {

ClientBlock client_block(const boost::asio::ip::address& a) {
    if (a.is_v4()) return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, a.to_v4()).to_bytes();
    ClientBlock b = a.to_v6().to_bytes();
    if (a.to_v6().is_v4_mapped()) return b;
    std::fill(b.begin() + 8, b.end(), 0);
    return b;
}

Refusal Admission::enter(const ClientBlock& from, bool over_total) {
    std::lock_guard lock(mu_);
    if (limits_.total && open_ >= limits_.total && !over_total) return Refusal::total;
    size_t& n = by_block_[from];
    if (limits_.per_ip && n >= limits_.per_ip) {
        if (n == 0) by_block_.erase(from);
        return Refusal::per_ip;
    }
    ++n;
    ++open_;
    return Refusal::none;
}

void Admission::leave(const ClientBlock& from) {
    std::lock_guard lock(mu_);
    auto it = by_block_.find(from);
    if (it == by_block_.end()) return;
    if (--it->second == 0) by_block_.erase(it);
    --open_;
}

size_t Admission::open() const {
    std::lock_guard lock(mu_);
    return open_;
}

}  // namespace wsn::net
