// libFuzzer: a wsn relay reading act one, and act three after a genuine act one.
// The first input byte picks the act; the rest is the act. Nothing may crash, and a
// failed act must leave the handshake failed with a fault named.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "noise/handshake.hpp"

using namespace wsn;
using namespace wsn::noise;

namespace {

crypto::SecretKey fixed(uint8_t byte) {
    std::array<uint8_t, 32> b{};
    b.fill(byte);
    return *crypto::SecretKey::from_bytes(b);
}

struct Keys {
    StaticKey relay = StaticKey::even_y(fixed(0x21));
    StaticKey client{fixed(0x11)};
    ActOne act1;
    Keys() { act1 = Handshake::initiator(client, relay.pub, kWsnPrologue, fixed(0x12)).write_act_one(); }
};

void check(const Handshake& hs, const Status& st) {
    if (st.ok() == (hs.state() == Handshake::State::failed)) std::abort();
    if (!st.ok() && !hs.fault()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Keys keys;
    if (size == 0) return 0;
    std::span<const uint8_t> act(data + 1, size - 1);
    auto hs = Handshake::responder(keys.relay, kWsnPrologue, fixed(0x22));
    if (data[0] & 1) {
        check(hs, hs.read_act_one(act));
        return 0;
    }
    if (!hs.read_act_one(keys.act1).ok()) std::abort();
    hs.write_act_two();
    Status st = hs.read_act_three(act);
    check(hs, st);
    if (st.ok()) (void)hs.take_transport();
    return 0;
}
