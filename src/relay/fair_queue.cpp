#include "relay/fair_queue.hpp"

namespace wsn::relay {

void FairQueue::push(std::string_view ip, uint64_t conn, uint64_t job) {
    ++size_;
    if (auto c = by_conn_.find(conn); c != by_conn_.end()) {
        c->second.second->jobs.push_back(job);
        return;
    }
    auto a = by_ip_.find(std::string(ip));
    if (a == by_ip_.end()) {  // a newcomer takes its turn after those waiting
        addrs_.push_back(Address{std::string(ip), {}});
        a = by_ip_.emplace(std::string(ip), std::prev(addrs_.end())).first;
    }
    auto& conns = a->second->conns;
    conns.push_back(Conn{conn, {job}});
    by_conn_.emplace(conn, std::pair{a->second, std::prev(conns.end())});
}

std::optional<uint64_t> FairQueue::next() {
    if (addrs_.empty()) return std::nullopt;
    auto a = addrs_.begin();
    auto c = a->conns.begin();
    uint64_t job = c->jobs.front();
    c->jobs.pop_front();
    --size_;
    // The connection goes to the back of its address's turns, the address to the back of all.
    if (c->jobs.empty()) {
        by_conn_.erase(c->id);
        a->conns.erase(c);
    } else {
        a->conns.splice(a->conns.end(), a->conns, c);
    }
    if (a->conns.empty()) {
        by_ip_.erase(a->ip);
        addrs_.erase(a);
    } else {
        addrs_.splice(addrs_.end(), addrs_, a);
    }
    return job;
}

}  // namespace wsn::relay
