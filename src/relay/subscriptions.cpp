#include "relay/subscriptions.hpp"

namespace wsn::relay {

void Subscriptions::add(uint64_t conn, const std::string& sub, std::vector<nostr::Filter> filters) {
    auto& subs = by_conn_[conn];
    auto [it, fresh] = subs.try_emplace(sub, 0);
    if (fresh) {
        it->second = next_key_++;
        targets_.emplace(it->second, Target{conn, sub});
    }
    index_.add(it->second, std::move(filters));  // replaces the old filters under the same key
}

void Subscriptions::remove(uint64_t conn, const std::string& sub) {
    auto c = by_conn_.find(conn);
    if (c == by_conn_.end()) return;
    auto it = c->second.find(sub);
    if (it == c->second.end()) return;
    index_.remove(it->second);
    targets_.erase(it->second);
    c->second.erase(it);
    if (c->second.empty()) by_conn_.erase(c);
}

void Subscriptions::remove_conn(uint64_t conn) {
    auto c = by_conn_.find(conn);
    if (c == by_conn_.end()) return;
    for (auto& [sub, key] : c->second) {
        index_.remove(key);
        targets_.erase(key);
    }
    by_conn_.erase(c);
}

}  // namespace wsn::relay
