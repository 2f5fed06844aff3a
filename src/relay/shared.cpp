#include "relay/shared.hpp"

#include <chrono>

#include "nostr/message.hpp"

namespace wsn::relay {

void Shared::accept_event(uint64_t conn, LiveEvent ev) {
    if (nostr::is_ephemeral(ev.event().kind) && !feed) {  // a shared store carries them: the writer publishes
        send_ok(conn, ev.event().id, true, "");
        metrics.events.inc("ephemeral");
        monitor_inbox.push(mon::Ephemeral{std::make_shared<const LiveEvent>(std::move(ev))});
        return;
    }
    writer_inbox.push(AddEvent{conn, std::move(ev)});
}

void Shared::send_ok(uint64_t conn, const nostr::Id& id, bool accepted, std::string_view message) {
    std::string out;
    nostr::append_ok_message(out, id, accepted, message);
    server->send(conn, std::move(out));
}

void Shared::send_closed(uint64_t conn, std::string_view sub, std::string_view message) {
    server->send(conn, nostr::to_json(nostr::RelayMessage{nostr::RelayClosed{std::string(sub), std::string(message)}}));
}

void Shared::send_neg_err(uint64_t conn, std::string_view sub, std::string_view message) {
    server->send(conn, nostr::to_json(nostr::RelayMessage{nostr::RelayNegErr{std::string(sub), std::string(message)}}));
}

void Shared::send_notice(uint64_t conn, std::string_view message) {
    server->send(conn, nostr::to_json(nostr::RelayMessage{nostr::RelayNotice{std::string(message)}}));
}

size_t Shared::send_event(uint64_t conn, std::string_view sub, std::string_view event_json) {
    std::string out;
    out.reserve(event_json.size() + sub.size() + 16);
    nostr::append_event_message(out, sub, event_json);
    return server->send(conn, std::move(out));
}

net::SharedText Shared::event_text(std::string_view sub, const LiveEventPtr& ev) {
    net::SharedText text{{}, ev, ev->json(), "]"};
    nostr::append_event_message_head(text.head, sub);
    return text;
}

size_t Shared::send_event(uint64_t conn, std::string_view sub, const LiveEventPtr& ev) {
    return server->send(conn, event_text(sub, ev));
}

}  // namespace wsn::relay

namespace wsn::relay {
double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace wsn::relay
