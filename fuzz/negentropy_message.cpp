// Negentropy message parser and both roles' reconcile(): never crash; whatever parses is
// answered within the frame size, and what does not parse is refused by reconcile too.
#include <cstdint>
#include <cstdlib>

#include "negentropy/reconciler.hpp"

using namespace wsn::negentropy;

namespace {

ItemSet make_items() {
    std::vector<Item> items;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 3000; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift: fixed, spread ids
        Item it;
        it.created_at = 1000 + x % 500;  // many per second: bounds need id prefixes
        for (size_t k = 0; k < 32; ++k) it.id[k] = static_cast<uint8_t>(x >> (8 * (k % 8)) ^ k);
        items.push_back(it);
    }
    return ItemSet(std::move(items));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ItemSet items = make_items();
    const Limits limits{4096, 200'000};
    std::span<const uint8_t> in(data, size);
    bool parses = parse_message(in, limits.max_message).ok();

    Reconciler responder(items, limits);
    auto answer = responder.reconcile(in);
    if (answer.ok() != parses) abort();
    if (answer && answer->reply.size() > limits.frame_size) abort();

    Reconciler initiator(items, limits);
    (void)initiator.initiate();
    auto step = initiator.reconcile(in);
    if (step && step->reply.size() > limits.frame_size) abort();
    return 0;
}
