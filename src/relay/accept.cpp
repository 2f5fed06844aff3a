// The event rules of accept.hpp.
#include "relay/accept.hpp"

#include <algorithm>

#include "nostr/nip40.hpp"

namespace wsn::relay {

namespace {

template <class T>
bool contains(const std::vector<T>& v, const T& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

nostr::Limits parser_limits(const Config& cfg) {
    nostr::Limits l;
    l.max_message_bytes = cfg.max_message_bytes;
    l.max_filters = cfg.max_filters;
    l.max_tags = cfg.max_event_tags;
    l.max_content_bytes = cfg.max_content_bytes;
    l.max_event_bytes = cfg.max_event_bytes;
    return l;
}

std::string event_refusal(const Config& cfg, const Moderation& mod, const nostr::Event& e, int64_t now) {
    // The id's hex only when an event list is set: this runs for every event.
    const std::string id = mod.banned_events.empty() && mod.allowed_events.empty() ? std::string() : nostr::id_hex(e.id);
    if (!id.empty() && mod.banned_events.count(id)) return "blocked: this event is banned from this relay";
    if (id.empty() || !mod.allowed_events.count(id)) {
        const std::string pk = e.pubkey.hex();
        if (contains(cfg.deny_pubkeys, pk) || mod.banned_pubkeys.count(pk))
            return "blocked: pubkey not allowed on this relay";
        const bool listed = !cfg.allow_pubkeys.empty() || !mod.allowed_pubkeys.empty();
        if (listed && !contains(cfg.allow_pubkeys, pk) && !mod.allowed_pubkeys.count(pk))
            return "blocked: pubkey not allowed on this relay";
        const bool kind_listed = !cfg.allow_kinds.empty() || !mod.allowed_kinds.empty();
        if (contains(cfg.deny_kinds, e.kind) || mod.disallowed_kinds.count(e.kind) ||
            (kind_listed && !contains(cfg.allow_kinds, e.kind) && !mod.allowed_kinds.count(e.kind)))
            return "blocked: kind " + std::to_string(e.kind) + " not allowed on this relay";
    }
    if (e.created_at > now + cfg.max_future_seconds) return "invalid: created_at is too far in the future";
    if (auto exp = nostr::expiration(e); exp && *exp <= uint64_t(now)) return "invalid: event has expired";
    return "";
}

}  // namespace wsn::relay
