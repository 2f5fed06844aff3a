#pragma once
// Thin RAII over libpq: a connection, a result, statement parameters, and the
// store's error rules. A failure that leaves the connection unusable (the server
// gone, restarting, unreachable) throws store::Unavailable; any other failure of a
// statement throws store::DbError with PostgreSQL's message. Passwords never appear
// in a message: URLs are shown with redact_url().
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/error.hpp"

namespace wsn::store::pg {

// The URL (or key=value string) with any password replaced by "***".
std::string redact_url(std::string_view url);

// A WAL position as PostgreSQL prints it ("16/B374D848") as a number; throws DbError if malformed.
uint64_t parse_lsn(std::string_view s);

// One statement's parameters. Scalars go in binary (no quoting, and a NUL byte in a
// text is refused by the server instead of cutting the value short); arrays go as
// text literals made by the array_* helpers.
class Params {
public:
    int bytea(std::span<const uint8_t> b);
    int bytea(std::string_view b);
    int text(std::string_view s);
    int int8(int64_t v);
    int int4(int32_t v);
    int null_bytea();
    int null_int8();
    // Array literals ('{...}'), with their element type.
    int bytea_array(const std::vector<std::string>& values);
    int text_array(const std::vector<std::string>& values);
    int int8_array(const std::vector<int64_t>& values);
    int int4_array(const std::vector<int32_t>& values);

    int size() const { return int(values_.size()); }
    const Oid* types() const { return types_.data(); }
    const char* const* values();
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }

private:
    int add(Oid type, std::string bytes, int format, bool null = false);
    std::vector<std::string> storage_;
    std::vector<const char*> values_;
    std::vector<bool> null_;
    std::vector<Oid> types_;
    std::vector<int> lengths_, formats_;
};

class PgResult {
public:
    explicit PgResult(PGresult* r = nullptr) : r_(r) {}
    ~PgResult() { PQclear(r_); }
    PgResult(PgResult&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
    PgResult& operator=(PgResult&& o) noexcept {
        std::swap(r_, o.r_);
        return *this;
    }
    PGresult* get() const { return r_; }
    int rows() const { return PQntuples(r_); }
    bool null(int row, int col) const { return PQgetisnull(r_, row, col); }
    std::string_view text(int row, int col) const {
        return {PQgetvalue(r_, row, col), size_t(PQgetlength(r_, row, col))};
    }
    int64_t int8(int row, int col) const;  // a text-format integer

private:
    PGresult* r_;
};

class Conn {
public:
    // Connects, failing with Unavailable ("store: database unavailable: cannot connect
    // to <url>: <why>") if the server cannot be reached. `timeout` bounds every
    // statement twice: the server cancels it (statement_timeout, a DbError), and a
    // server that does not answer at all (stopped, cut off) is given up on a second
    // later: the connection is closed and Unavailable thrown. Zero: no bound.
    static std::unique_ptr<Conn> connect(const std::string& url, std::chrono::milliseconds timeout);
    ~Conn();
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    PGconn* get() const { return c_; }
    bool broken() const { return given_up_ || PQstatus(c_) != CONNECTION_OK; }
    const std::string& url() const { return url_; }

    // Runs SQL (several statements allowed, no parameters); throws on failure.
    void exec(const char* sql);
    // One statement with parameters; rows in text format.
    PgResult query(const std::string& sql, Params& params);
    PgResult query(const char* sql);
    // Prepares `sql` under `name` once per connection (it is gone after a reconnect,
    // with the connection).
    void prepare(const char* name, const char* sql, int nparams);
    // The next result of what was sent (PQgetResult), waiting at most the timeout.
    PGresult* next_result(std::string_view what);
    // Lifts both bounds while it lives (a schema upgrade may wait long for another
    // frontend's).
    class Unbounded {
    public:
        explicit Unbounded(Conn& c);
        ~Unbounded();

    private:
        Conn& c_;
        std::chrono::milliseconds saved_;
    };

    // Throws the error a failed result stands for (Unavailable if the connection broke).
    [[noreturn]] void fail(const PGresult* r, std::string_view what) const;
    // Whether a result is a success (PGRES_COMMAND_OK or PGRES_TUPLES_OK).
    static bool ok(const PGresult* r);

private:
    Conn(PGconn* c, std::string url, std::chrono::milliseconds timeout)
        : c_(c), url_(std::move(url)), timeout_(timeout) {}
    // Sends with `send`, then takes every result; the last one, or the first failure.
    template <class Send>
    PgResult run(Send send, std::string_view what);
    PGconn* c_;
    std::string url_;
    std::chrono::milliseconds timeout_;
    bool given_up_ = false;
    std::set<std::string> prepared_;
};

}  // namespace wsn::store::pg
