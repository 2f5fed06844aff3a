#pragma once
// The monitor's table of live subscriptions: (connection, subscription id) ->
// filters, kept in a nostr::FilterIndex so a new event is tested only against
// the subscriptions that could match it. Sans-IO; one table belongs to one thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nostr/filter_index.hpp"

namespace wsn::relay {

class Subscriptions {
public:
    struct Target {
        uint64_t conn;
        std::string sub;
    };

    // Adds a subscription, replacing the connection's one with the same id.
    void add(uint64_t conn, const std::string& sub, std::vector<nostr::Filter> filters);
    // Removes one subscription, or every subscription of a connection; unknown ones are ignored.
    void remove(uint64_t conn, const std::string& sub);
    void remove_conn(uint64_t conn);
    size_t size() const { return targets_.size(); }

    // Calls fn(const Target&) once for each subscription that matches e.
    template <class F>
    void for_each_match(const nostr::Event& e, F&& fn) {
        index_.matches(e, keys_);
        for (nostr::FilterIndex::Key k : keys_) fn(targets_.find(k)->second);
    }

private:
    nostr::FilterIndex index_;
    std::unordered_map<nostr::FilterIndex::Key, Target> targets_;
    // Per connection: subscription id -> key.
    std::unordered_map<uint64_t, std::unordered_map<std::string, nostr::FilterIndex::Key>> by_conn_;
    nostr::FilterIndex::Key next_key_ = 0;  // never reused, so a stale key can never name a new subscription
    std::vector<nostr::FilterIndex::Key> keys_;  // scratch for for_each_match
};

}  // namespace wsn::relay
