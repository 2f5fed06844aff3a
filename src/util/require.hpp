#pragma once
// API misuse is a caller bug: abort, in every build, as libsecp256k1's illegal
// callback does (STYLE.md). Not assert(): a release build must stop too, since going
// on would mean, say, a Noise act written out of order.
#include <cstdlib>

namespace wsn {

inline void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace wsn
