#pragma once
// The query worker's order of turns, in three levels of round robin: client addresses,
// then each address's connections, then each connection's queries. Every address that
// has work gets the same share of the worker however many connections and queries it
// opened, each of its connections the same share of the address's, and a new query
// waits for at most one turn of every other address, not for everything queued before it.
// Pure: it holds ids, not queries.
#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace wsn::relay {

class FairQueue {
public:
    // A job ready for a turn, after the jobs its connection already has queued.
    void push(std::string_view ip, uint64_t conn, uint64_t job);
    // Takes out the job whose turn it is; the owner push()es it again if it goes on.
    std::optional<uint64_t> next();
    bool empty() const { return addrs_.empty(); }
    size_t size() const { return size_; }

private:
    struct Conn {
        uint64_t id;
        std::deque<uint64_t> jobs;
    };
    struct Address {
        std::string ip;
        std::list<Conn> conns;  // front: the connection whose turn it is
    };
    std::list<Address> addrs_;  // front: the address whose turn it is
    std::unordered_map<std::string, std::list<Address>::iterator> by_ip_;
    std::unordered_map<uint64_t, std::pair<std::list<Address>::iterator, std::list<Conn>::iterator>> by_conn_;
    size_t size_ = 0;
};

}  // namespace wsn::relay
