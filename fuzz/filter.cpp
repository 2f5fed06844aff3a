// Filter parser and matcher: never crashes; an accepted filter round-trips
// through JSON and matches the same sample events afterwards.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "nostr/parser.hpp"

using namespace wsn::nostr;

namespace {

std::vector<Event> sample_events() {
    std::vector<Event> out(3);
    out[0].kind = 1;
    out[0].created_at = 1700000000;
    out[0].tags = {{"e", "a"}, {"p", "b", "wss://x"}, {"t"}};
    out[1].kind = 30023;
    out[1].id[0] = 0xab;
    out[1].pubkey.bytes[31] = 0x01;
    out[1].tags = {{"d", ""}, {"e", "b"}, {"e", "a"}};
    out[2].kind = 0;
    out[2].created_at = 0xFFFFFFFF;
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Parser parser;
    static const std::vector<Event> events = sample_events();
    auto f = parser.parse_filter(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!f) {
        if (f.error().message.rfind("invalid: ", 0) != 0) abort();
        return 0;
    }
    auto back = parser.parse_filter(to_json(*f));
    if (!back || !(*back == *f)) abort();
    for (const Event& e : events)
        if (f->matches(e) != back->matches(e)) abort();
    return 0;
}
