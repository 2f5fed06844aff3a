#pragma once
// Small RAII wrappers over the LMDB C API. LMDB failures other than "not found"
// are exceptional here (a full map, a damaged file): they throw DbError, which
// the Store catches at its public boundary and turns into a wsn::Error.
#include <lmdb.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/error.hpp"

namespace wsn::store::lmdb {

using store::DbError;

// Throws DbError "store: <what>: <LMDB's message>" unless rc is 0.
void check(int rc, const char* what);

inline MDB_val val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline std::string_view view(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }

class Env {
public:
    Env() = default;
    ~Env();
    Env(Env&& o) noexcept : env_(std::exchange(o.env_, nullptr)) {}
    Env& operator=(Env&& o) noexcept {
        std::swap(env_, o.env_);
        return *this;
    }
    // Opens (creating if missing) the environment in folder `dir`.
    static Env open(const std::string& dir, size_t map_size, unsigned max_dbs, unsigned max_readers, unsigned flags);
    MDB_env* get() const { return env_; }

private:
    MDB_env* env_ = nullptr;
};

class Txn {
public:
    Txn(MDB_env* env, bool read_only);
    ~Txn();
    Txn(Txn&& o) noexcept : txn_(std::exchange(o.txn_, nullptr)) {}
    Txn& operator=(Txn&&) = delete;
    MDB_txn* get() const { return txn_; }
    void commit();

private:
    MDB_txn* txn_ = nullptr;
};

class Cursor {
public:
    Cursor(MDB_txn* txn, MDB_dbi dbi);
    ~Cursor();
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    // mdb_cursor_get; false when there is no such entry.
    bool get(MDB_val& key, MDB_val& data, MDB_cursor_op op);
    // Moves to the last key <= `key`; false if there is none.
    bool seek_at_or_before(std::string_view key, MDB_val& k, MDB_val& d);
    void del();

private:
    MDB_cursor* cur_ = nullptr;
};

// Data under key, or nullopt when absent; valid until the transaction ends or writes.
std::optional<std::string_view> get(MDB_txn* txn, MDB_dbi dbi, std::string_view key);
void put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view data);
// False when the key was absent.
bool del(MDB_txn* txn, MDB_dbi dbi, std::string_view key);
uint64_t entries(MDB_txn* txn, MDB_dbi dbi);

}  // namespace wsn::store::lmdb
