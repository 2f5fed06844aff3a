#pragma once
// The one exception of the store: LMDB failing for a reason other than bad
// input (a damaged file, a full map or reader table). Write paths return it as a
// wsn::Error; read paths let it propagate (see store.hpp).
#include <stdexcept>

namespace wsn::store {

struct DbError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace wsn::store
