// libFuzzer: opening wsn.v1 transport payloads. The input is opened as a payload
// (must fail or return exactly opened_size bytes within the limit), and sealed as a
// plaintext, which must open back to itself.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "noise/framing.hpp"

using namespace wsn;
using namespace wsn::noise;

namespace {

CipherState cipher() {
    std::array<uint8_t, 32> a;
    a.fill(0x5a);
    return CipherState(crypto::Secret32(a), crypto::Secret32(a));
}

constexpr size_t kLimit = 200000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> in(data, size);

    Opener o(cipher(), kLimit);
    auto opened = o.open(in);
    if (opened.ok()) {
        if (opened->size() != opened_size(size) || opened->size() > kLimit) std::abort();
    } else if (!o.fault() || o.open(in).ok()) {
        std::abort();  // a failure must be named and final
    }

    Sealer s(cipher());
    auto sealed = s.seal(in);
    if (size == 0) {
        if (sealed.ok()) std::abort();
        return 0;
    }
    if (!sealed.ok() || sealed->size() != sealed_size(size)) std::abort();
    Opener back(cipher(), kLimit);
    auto again = back.open(*sealed);
    if (size <= kLimit) {
        if (!again.ok() || *again != std::vector<uint8_t>(in.begin(), in.end())) std::abort();
    } else if (again.ok() || back.fault() != OpenFault::too_big) {
        std::abort();
    }
    return 0;
}
