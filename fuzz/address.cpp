// libFuzzer: the address parser never crashes, and whatever it accepts formats
// to a canonical text that parses back to the same address and formats the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wsn/address.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto a = wsn::parse_relay_url(input);
    if (!a) return 0;
    std::string canonical = wsn::format_address(*a);
    auto again = wsn::parse_relay_url(canonical);
    if (!again || !(*again == *a) || wsn::format_address(*again) != canonical) std::abort();
    // The parts on their own behave as inside an address.
    (void)wsn::parse_host(input);
    (void)wsn::parse_path(input);
    (void)wsn::parse_port(input);
    return 0;
}
