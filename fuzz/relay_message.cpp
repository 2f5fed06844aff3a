// Relay-to-client message parser: never crashes; whatever it accepts
// serializes to JSON that parses back to the same message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nostr/parser.hpp"

using namespace wsn::nostr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Parser parser;
    static Parser again;
    auto m = parser.parse_relay_message(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!m) {
        if (m.error().message.rfind("invalid: ", 0) != 0) abort();
        return 0;
    }
    std::string json = to_json(*m);
    auto back = again.parse_relay_message(json);
    if (!back || to_json(*back) != json) abort();
    return 0;
}
