#include "relay/feed_reader.hpp"

#include <spdlog/spdlog.h>

#include "nostr/parser.hpp"

namespace wsn::relay {

namespace {
constexpr auto kWait = std::chrono::milliseconds(200);  // how soon stop() is noticed
constexpr double kLogEverySeconds = 10;                 // while the database is away

// An event as the store returned it, in its compact form; nullptr (logged) if it does not parse.
LiveEventPtr live_event(nostr::Parser& parser, const std::string& json) {
    auto e = parser.parse_event(json);
    if (!e) {
        spdlog::error("feed: skipping an unreadable stored event: {}", e.error().message);
        return nullptr;
    }
    return std::make_shared<const LiveEvent>(std::move(*e));
}
}  // namespace

void FeedReader::run() {
    nostr::Parser parser(nostr::stored_event_limits());
    double last_log = 0;
    bool failing = false;
    while (!stop_) {
        auto batch = feed_.next(kWait);
        if (!batch) {
            if (double t = now_seconds(); t - last_log >= kLogEverySeconds) {
                spdlog::warn("feed: {} (retrying)", batch.error().message);
                last_log = t;
            }
            failing = true;
            continue;
        }
        if (failing) spdlog::info("feed: connected again; catching up");
        failing = false;
        for (const std::string& json : batch->ephemeral)
            if (auto ev = live_event(parser, json)) sh_.monitor_inbox.push(mon::Ephemeral{std::move(ev)});
        if (batch->stored.empty()) continue;
        mon::Stored stored{batch->number, {}};
        for (const std::string& json : batch->stored)
            if (auto ev = live_event(parser, json)) stored.events.push_back(std::move(ev));
        sh_.committed_batch.store(batch->number);
        sh_.monitor_inbox.push(std::move(stored));
    }
}

}  // namespace wsn::relay
