#pragma once
// What the NIP-86 management API changes while the relay runs, on top of the config's
// own lists: banned and allowed pubkeys and events, allowed and disallowed kinds, blocked
// IPs, and the relay's name, description and icon. Kept in the store as JSON (one
// setting), so it survives a restart; read by every verifier through ModerationState.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace wsn::store {
class Store;
}

namespace wsn::relay {

struct Config;

struct Moderation {
    std::map<std::string, std::string> banned_pubkeys, allowed_pubkeys;  // hex -> reason
    std::map<std::string, std::string> banned_events, allowed_events;    // id hex -> reason
    std::set<uint16_t> allowed_kinds, disallowed_kinds;
    std::map<std::string, std::string> blocked_ips;  // an address or CIDR block -> reason
    std::optional<std::string> name, description, icon;

    bool operator==(const Moderation&) const = default;

    // Whether a client address (relay::ip_text form) is blocked.
    bool blocks_ip(std::string_view ip) const;
    // cfg with the name, description and icon set here.
    void apply_info(Config& cfg) const;
};

// The stored form, and back. Errors name what was malformed.
std::string to_json(const Moderation& m);
Result<Moderation> moderation_from_json(std::string_view json);

// The state kept in a store (empty when none was ever saved), and saving it.
Result<Moderation> load_moderation(const store::Store& st);
Status save_moderation(store::Store& st, const Moderation& m);

// The current state for every thread: the management API swaps in a new one; a reader
// keeps its snapshot and takes a new one only when version() has moved (a plain atomic
// read per message, no shared reference count on the hot path).
class ModerationState {
public:
    ModerationState() : now_(std::make_shared<const Moderation>()) {}
    std::shared_ptr<const Moderation> get() const { return now_.load(std::memory_order_acquire); }
    uint64_t version() const { return version_.load(std::memory_order_acquire); }
    void set(Moderation m) {
        now_.store(std::make_shared<const Moderation>(std::move(m)), std::memory_order_release);
        version_.fetch_add(1, std::memory_order_acq_rel);
    }

private:
    std::atomic<std::shared_ptr<const Moderation>> now_;
    std::atomic<uint64_t> version_{0};
};

}  // namespace wsn::relay
