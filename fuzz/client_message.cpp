// Client-to-relay message parser: never crashes; whatever it accepts
// serializes to JSON that parses back to the same message.
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
        // The raw span is the event's own text and parses to the same event.
        auto raw = again.parse_event(ev->raw);
        if (!raw || !(*raw == ev->event)) abort();
        (void)compute_id(ev->event);
    }
    std::string json = to_json(*m);
    auto back = again.parse_client_message(json);
    if (!back || to_json(*back) != json) abort();
    return 0;
}
