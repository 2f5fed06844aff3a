#pragma once
// NIP-01 messages in both directions, and their compact JSON.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"

namespace wsn::nostr {

// Client to relay.
struct ClientEvent {
    Event event;  // the relay keeps its compact JSON (CompactEvent), never the text sent
};
struct ClientReq {
    std::string sub_id;
    std::vector<Filter> filters;  // at least one
};
struct ClientClose {
    std::string sub_id;
};
struct ClientCount {
    std::string sub_id;
    std::vector<Filter> filters;  // at least one
};
struct ClientAuth {
    Event event;  // kind 22242 expected; the relay checks that
};
// NIP-77 negentropy sync. `message` holds the protocol's bytes (hex on the wire).
struct ClientNegOpen {
    std::string sub_id;
    Filter filter;
    std::string message;
};
struct ClientNegMsg {
    std::string sub_id;
    std::string message;
};
struct ClientNegClose {
    std::string sub_id;
};
using ClientMessage = std::variant<ClientEvent, ClientReq, ClientClose, ClientCount, ClientAuth, ClientNegOpen,
                                   ClientNegMsg, ClientNegClose>;

// Relay to client.
struct RelayEvent {
    std::string sub_id;
    Event event;
};
struct RelayOk {
    Id event_id{};
    bool accepted = false;
    std::string message;  // "" or "<prefix>: <reason>"
};
struct RelayEose {
    std::string sub_id;
};
struct RelayClosed {
    std::string sub_id;
    std::string message;
};
struct RelayNotice {
    std::string message;
};
struct RelayCount {
    std::string sub_id;
    uint64_t count = 0;
    std::optional<bool> approximate;
    std::optional<std::array<uint8_t, 256>> hll;  // NIP-45 registers (nostr/nip45.hpp), sent as 512 hex
};
struct RelayAuth {
    std::string challenge;
};
struct RelayNegMsg {  // NIP-77, as ClientNegMsg
    std::string sub_id;
    std::string message;
};
struct RelayNegErr {
    std::string sub_id;
    std::string message;  // "<prefix>: <reason>" ("blocked: ...", "closed: ...")
};
using RelayMessage = std::variant<RelayEvent, RelayOk, RelayEose, RelayClosed, RelayNotice, RelayCount, RelayAuth,
                                  RelayNegMsg, RelayNegErr>;

std::string to_json(const ClientMessage& m);
std::string to_json(const RelayMessage& m);

// Fast paths for the relay: ["EVENT","<sub>",<event_json>] from stored or
// forwarded event JSON, and ["OK","<id>",<bool>,"<message>"].
void append_event_message(std::string& out, std::string_view sub_id, std::string_view event_json);
// The part of that message before the event: ["EVENT","<sub>", (a fan-out shares the rest).
void append_event_message_head(std::string& out, std::string_view sub_id);
void append_ok_message(std::string& out, const Id& id, bool accepted, std::string_view message);

}  // namespace wsn::nostr
