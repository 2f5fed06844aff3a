// Client-to-relay message parser: never crashes; whatever it accepts
// serializes to JSON that parses back to the same message, and an event's stored form
// (CompactEvent) parses back to the same event and serializes to the same bytes.
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nostr/parser.hpp"

using namespace wsn::nostr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Parser parser;
    static Parser again;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto m = parser.parse_client_message(in);
    if (!m) {
        if (m.error().message.rfind("invalid: ", 0) != 0) abort();
        return 0;
    }
    if (auto* ev = std::get_if<ClientEvent>(&*m)) {
        // The stored form of whatever was accepted parses to the same event and is a
        // fixed point: however the input spelled the event, it has one compact JSON.
        CompactEvent stored(ev->event);
        auto back = again.parse_event(stored.json());
        if (!back || !(*back == ev->event) || to_json(*back) != stored.json()) abort();
        (void)compute_id(ev->event);
    }
    std::string json = to_json(*m);
    auto back = again.parse_client_message(json);
    if (!back || to_json(*back) != json) abort();
    return 0;
}
