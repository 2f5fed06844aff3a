#include "relay/policy_worker.hpp"

#include <spdlog/spdlog.h>

#include "relay/write_policy.hpp"

namespace wsn::relay {

void PolicyWorker::run() {
    sh_.policy_inbox.run_until_closed([&](std::vector<CheckPolicy>& batch) {
        for (auto& m : batch) check(m);
    });
}

void PolicyWorker::check(CheckPolicy& m) {
    const nostr::Event& e = m.ev.event();
    PolicyVerdict verdict = sh_.write_policy->check(m.ev, m.from, m.received_at);
    if (!verdict.log.empty()) spdlog::warn("write policy: {}", verdict.log);
    if (!verdict.accept) {
        sh_.metrics.events.inc("rejected");
        sh_.send_ok(m.conn, e.id, verdict.shadow, verdict.message);
        return;
    }
    sh_.accept_event(m.conn, std::move(m.ev));
}

}  // namespace wsn::relay
