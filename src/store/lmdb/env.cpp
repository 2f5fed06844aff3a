// RAII over LMDB: every handle is released on every path, every error named.
#include "store/lmdb/env.hpp"

#include <filesystem>
#include <utility>

namespace wsn::store::lmdb {

void check(int rc, const char* what) {
    if (rc != 0) throw DbError(std::string("store: ") + what + ": " + mdb_strerror(rc), rc);
}

Env::~Env() {
    if (env_) mdb_env_close(env_);
}

Env Env::open(const std::string& dir, size_t map_size, unsigned max_dbs, unsigned max_readers, unsigned flags) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw DbError("store: cannot create folder " + dir + ": " + ec.message());
    Env e;
    check(mdb_env_create(&e.env_), "mdb_env_create");
    check(mdb_env_set_mapsize(e.env_, map_size), "set map size");
    check(mdb_env_set_maxdbs(e.env_, max_dbs), "set max dbs");
    check(mdb_env_set_maxreaders(e.env_, max_readers), "set max readers");
    int rc = mdb_env_open(e.env_, dir.c_str(), flags, 0644);
    if (rc != 0) throw DbError("store: cannot open " + dir + ": " + mdb_strerror(rc), rc);
    int dead = 0;  // reader slots left by killed processes
    check(mdb_reader_check(e.env_, &dead), "reader check");
    return e;
}

Txn::Txn(MDB_env* env, bool read_only) {
    check(mdb_txn_begin(env, nullptr, read_only ? MDB_RDONLY : 0, &txn_), "begin transaction");
}

Txn::~Txn() {
    if (txn_) mdb_txn_abort(txn_);
}

void Txn::commit() {
    int rc = mdb_txn_commit(std::exchange(txn_, nullptr));  // the handle is freed even on failure
    check(rc, "commit");
}

Cursor::Cursor(MDB_txn* txn, MDB_dbi dbi) { check(mdb_cursor_open(txn, dbi, &cur_), "open cursor"); }

Cursor::~Cursor() { mdb_cursor_close(cur_); }

bool Cursor::get(MDB_val& key, MDB_val& data, MDB_cursor_op op) {
    int rc = mdb_cursor_get(cur_, &key, &data, op);
    if (rc == MDB_NOTFOUND) return false;
    check(rc, "cursor get");
    return true;
}

bool Cursor::seek_at_or_before(std::string_view key, MDB_val& k, MDB_val& d) {
    k = val(key);
    if (!get(k, d, MDB_SET_RANGE)) return get(k, d, MDB_LAST);
    if (view(k) == key) return true;
    return get(k, d, MDB_PREV);
}

void Cursor::del() { check(mdb_cursor_del(cur_, 0), "cursor delete"); }

std::optional<std::string_view> get(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
    MDB_val k = val(key), d;
    int rc = mdb_get(txn, dbi, &k, &d);
    if (rc == MDB_NOTFOUND) return std::nullopt;
    check(rc, "get");
    return view(d);
}

void put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view data) {
    MDB_val k = val(key), d = val(data);
    check(mdb_put(txn, dbi, &k, &d, 0), "put");
}

bool del(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
    MDB_val k = val(key);
    int rc = mdb_del(txn, dbi, &k, nullptr);
    if (rc == MDB_NOTFOUND) return false;
    check(rc, "delete");
    return true;
}

uint64_t entries(MDB_txn* txn, MDB_dbi dbi) {
    MDB_stat st;
    check(mdb_stat(txn, dbi, &st), "stat");
    return st.ms_entries;
}

}  // namespace wsn::store::lmdb
