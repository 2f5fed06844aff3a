#pragma once
// The exceptions of the store's read paths (store.hpp): the database failing for a
// reason other than bad input (a damaged file, a full map or reader table, an SQL
// error), and, as a kind of it, the database out of reach (a lost connection to
// PostgreSQL). Write paths return them as a wsn::Error instead.
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsn::store {

struct DbError : std::runtime_error {
    explicit DbError(const std::string& what, int code = 0) : std::runtime_error(what), code(code) {}
    int code;  // LMDB's return code (MDB_MAP_FULL, an errno such as ENOSPC), or 0 (PostgreSQL: always 0)
};

struct Unavailable : DbError {
    using DbError::DbError;
};

// The message a relay sends when the database cannot be reached (OK false, CLOSED).
inline constexpr const char* kUnavailableMessage = "error: database unavailable";

// Write paths report an unreachable database with an Error whose message starts so.
inline constexpr std::string_view kUnavailablePrefix = "store: database unavailable";
inline bool is_unavailable(std::string_view error_message) { return error_message.starts_with(kUnavailablePrefix); }

}  // namespace wsn::store
