#pragma once
// The one exception of the store: LMDB failing for a reason other than bad
// input (a damaged file, a full map or reader table). Write paths return it as a
// wsn::Error; read paths let it propagate (see store.hpp).
#include <stdexcept>
#include <string>

namespace wsn::store {

struct DbError : std::runtime_error {
    explicit DbError(const std::string& what, int code = 0) : std::runtime_error(what), code(code) {}
    int code;  // LMDB's return code (MDB_MAP_FULL, an errno such as ENOSPC), or 0
};

}  // namespace wsn::store
