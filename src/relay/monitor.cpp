#include "relay/monitor.hpp"

#include <algorithm>

namespace wsn::relay {

namespace {
constexpr size_t kRecentEvents = 20000;
}

void Monitor::run() {
    for (;;) {
        bool closed = sh_.monitor_inbox.closed();
        for (auto& m : sh_.monitor_inbox.pop_all(std::chrono::milliseconds(500))) handle(m);
        if (closed) return;
    }
}

void Monitor::deliver(const LiveEvent& e) {
    for (const Sub& s : subs_)
        if (nostr::matches_any(s.filters, e.event)) sh_.send_event(s.conn, s.id, e.json);
}

void Monitor::remove(uint64_t conn, const std::string* sub) {
    std::erase_if(subs_, [&](const Sub& s) { return s.conn == conn && (!sub || s.id == *sub); });
}

void Monitor::handle(MonitorMsg& m) {
    std::visit(
        [&](auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, mon::Subscribe>) {
                remove(v.conn, &v.sub);
                for (auto& [batch, ev] : recent_)
                    if (batch > v.watermark && nostr::matches_any(v.filters, ev->event))
                        sh_.send_event(v.conn, v.sub, ev->json);
                subs_.push_back(Sub{v.conn, std::move(v.sub), std::move(v.filters)});
            } else if constexpr (std::is_same_v<T, mon::Unsubscribe>) {
                remove(v.conn, &v.sub);
            } else if constexpr (std::is_same_v<T, mon::CloseConn>) {
                remove(v.conn, nullptr);
            } else if constexpr (std::is_same_v<T, mon::Stored>) {
                for (auto& ev : v.events) {
                    deliver(*ev);
                    recent_.emplace_back(v.batch, std::move(ev));
                }
                while (recent_.size() > kRecentEvents) recent_.pop_front();
            } else {
                deliver(*v.event);
            }
        },
        m);
}

}  // namespace wsn::relay
