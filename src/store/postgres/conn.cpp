#include "store/postgres/conn.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <utility>

#include "util/hex.hpp"

namespace wsn::store::pg {

namespace {

// Type OIDs (pg_type.dat); stable across PostgreSQL versions.
constexpr Oid kBytea = 17, kInt8 = 20, kInt4 = 23, kText = 25;
constexpr Oid kInt4Array = 1007, kTextArray = 1009, kByteaArray = 1001, kInt8Array = 1016;

// An element of an array literal: quoted, with " and \ escaped.
void append_quoted(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

constexpr std::chrono::milliseconds kAnswerGrace{1000};

// Whether a failure means the server cannot be reached (or is shutting down or
// starting), rather than a fault of the statement.
bool unreachable(const PGconn* c, const PGresult* r) {
    if (PQstatus(c) != CONNECTION_OK) return true;
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (!state) return r == nullptr;
    std::string_view s(state);
    // Class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown,
    // cannot connect now (starting up or shutting down).
    return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03";
}

std::string first_line(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace

std::string redact_url(std::string_view url) {
    std::string s(url);
    if (size_t scheme = s.find("://"); scheme != std::string::npos) {
        // scheme://user:password@host...: the password is between the first ':' after
        // the scheme and the '@' that ends the user part.
        size_t at = s.find('@', scheme + 3);
        size_t slash = s.find('/', scheme + 3);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            size_t colon = s.find(':', scheme + 3);
            if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
        }
        // ...?password=... as a query parameter.
        for (size_t p = s.find("password="); p != std::string::npos; p = s.find("password=", p + 1)) {
            size_t end = s.find('&', p);
            s.replace(p + 9, (end == std::string::npos ? s.size() : end) - p - 9, "***");
        }
        return s;
    }
    // key=value form: password=secret or password='sec ret'.
    for (size_t p = s.find("password"); p != std::string::npos; p = s.find("password", p + 1)) {
        size_t eq = s.find_first_not_of(' ', p + 8);
        if (eq == std::string::npos || s[eq] != '=') continue;
        size_t v = s.find_first_not_of(' ', eq + 1);
        if (v == std::string::npos) break;
        size_t end = s[v] == '\'' ? s.find('\'', v + 1) + 1 : s.find(' ', v);
        if (end == 0 || end == std::string::npos) end = s.size();
        s.replace(v, end - v, "***");
    }
    return s;
}

uint64_t parse_lsn(std::string_view s) {
    size_t slash = s.find('/');
    uint32_t hi = 0, lo = 0;
    auto ok = [](std::string_view part, uint32_t& v) {
        auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v, 16);
        return !part.empty() && ec == std::errc{} && p == part.data() + part.size();
    };
    if (slash == std::string_view::npos || !ok(s.substr(0, slash), hi) || !ok(s.substr(slash + 1), lo))
        throw DbError("store: not a WAL position: " + std::string(s));
    return uint64_t(hi) << 32 | lo;
}

// ---- Params ----

int Params::add(Oid type, std::string bytes, int format, bool null) {
    storage_.push_back(std::move(bytes));
    values_.push_back(nullptr);
    null_.push_back(null);
    types_.push_back(type);
    lengths_.push_back(int(storage_.back().size()));
    formats_.push_back(format);
    return int(storage_.size());  // $n is 1-based
}

int Params::bytea(std::span<const uint8_t> b) {
    return add(kBytea, std::string(reinterpret_cast<const char*>(b.data()), b.size()), 1);
}
int Params::bytea(std::string_view b) { return add(kBytea, std::string(b), 1); }
int Params::text(std::string_view s) { return add(kText, std::string(s), 1); }
int Params::null_bytea() { return add(kBytea, {}, 1, true); }
int Params::null_int8() { return add(kInt8, {}, 1, true); }

int Params::int8(int64_t v) {
    std::string b(8, '\0');
    for (int i = 0; i < 8; ++i) b[i] = char(uint64_t(v) >> (56 - 8 * i));
    return add(kInt8, std::move(b), 1);
}

int Params::int4(int32_t v) {
    std::string b(4, '\0');
    for (int i = 0; i < 4; ++i) b[i] = char(uint32_t(v) >> (24 - 8 * i));
    return add(kInt4, std::move(b), 1);
}

int Params::bytea_array(const std::vector<std::string>& values) {
    std::string lit = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) lit += ',';
        lit += "\"\\\\x";  // "\\x<hex>": bytea hex form, its backslash escaped for the array
        lit += to_hex(std::span(reinterpret_cast<const uint8_t*>(values[i].data()), values[i].size()));
        lit += '"';
    }
    return add(kByteaArray, lit + "}", 0);
}

int Params::text_array(const std::vector<std::string>& values) {
    std::string lit = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i) lit += ',';
        append_quoted(lit, values[i]);
    }
    return add(kTextArray, lit + "}", 0);
}

int Params::int8_array(const std::vector<int64_t>& values) {
    std::string lit = "{";
    for (size_t i = 0; i < values.size(); ++i) lit += (i ? "," : "") + std::to_string(values[i]);
    return add(kInt8Array, lit + "}", 0);
}

int Params::int4_array(const std::vector<int32_t>& values) {
    std::string lit = "{";
    for (size_t i = 0; i < values.size(); ++i) lit += (i ? "," : "") + std::to_string(values[i]);
    return add(kInt4Array, lit + "}", 0);
}

const char* const* Params::values() {
    // Taken now, not in add(): moving a short std::string moves its bytes.
    for (size_t i = 0; i < storage_.size(); ++i) values_[i] = null_[i] ? nullptr : storage_[i].c_str();
    return values_.data();
}

// ---- PgResult, Conn ----

int64_t PgResult::int8(int row, int col) const {
    std::string_view s = text(row, col);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) throw DbError("store: not an integer: " + std::string(s));
    return v;
}

std::unique_ptr<Conn> Conn::connect(const std::string& url, std::chrono::milliseconds timeout) {
    // expand_dbname: `url` may be a URL or key=value string. Keys given later win, so
    // these defaults come first and the URL may override them.
    const std::string options = "-c statement_timeout=" + std::to_string(timeout.count());
    const char* keys[] = {"connect_timeout", "application_name", "options", "dbname", nullptr};
    const char* vals[] = {"5", "wsn", options.c_str(), url.c_str(), nullptr};
    PGconn* c = PQconnectdbParams(keys, vals, 1);
    if (!c) throw Unavailable("store: database unavailable: out of memory connecting to " + redact_url(url));
    if (PQstatus(c) != CONNECTION_OK) {
        std::string why = first_line(PQerrorMessage(c));
        PQfinish(c);
        throw Unavailable("store: database unavailable: cannot connect to " + redact_url(url) + ": " + why);
    }
    // The server's NOTICEs ("relation already exists, skipping") are not for the operator.
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<Conn>(new Conn(c, url, timeout));
}

Conn::~Conn() { PQfinish(c_); }

bool Conn::ok(const PGresult* r) {
    auto s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

void Conn::fail(const PGresult* r, std::string_view what) const {
    std::string why = first_line(r ? PQresultErrorMessage(r) : "");
    if (why.empty()) why = first_line(PQerrorMessage(c_));
    if (unreachable(c_, r))
        throw Unavailable(std::string(kUnavailablePrefix) + ": " + std::string(what) + ": " + why);
    throw DbError("store: " + std::string(what) + ": " + why);
}

PGresult* Conn::next_result(std::string_view what) {
    // A server that stopped answering keeps the kernel's TCP acks coming, so only a
    // clock of our own notices it; a second past the server's own bound, so that a
    // statement the server cancels is told as such.
    const auto wait_for = timeout_ + kAnswerGrace;
    const auto until = std::chrono::steady_clock::now() + wait_for;
    while (!given_up_ && PQisBusy(c_)) {
        int wait = -1;
        if (timeout_.count() > 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                given_up_ = true;  // half read: unusable; the pool drops it
                ::shutdown(PQsocket(c_), SHUT_RDWR);
                throw Unavailable(std::string(kUnavailablePrefix) + ": " + std::string(what) + ": no answer in " +
                                  std::to_string(wait_for.count()) + " ms");
            }
            wait = int(left.count());
        }
        pollfd pfd{PQsocket(c_), POLLIN, 0};
        int rc = ::poll(&pfd, 1, wait);
        if (rc < 0 && errno != EINTR) fail(nullptr, what);
        if (rc > 0 && !PQconsumeInput(c_)) fail(nullptr, what);
    }
    if (given_up_) throw Unavailable(std::string(kUnavailablePrefix) + ": " + std::string(what) + ": connection given up");
    return PQgetResult(c_);
}

template <class Send>
PgResult Conn::run(Send send, std::string_view what) {
    if (given_up_ || !send()) fail(nullptr, what);
    PgResult kept;
    for (;;) {
        PgResult r(next_result(what));
        if (!r.get()) break;
        if (kept.get() && !ok(kept.get())) continue;  // the first failure is the one to tell
        kept = std::move(r);
    }
    if (!ok(kept.get())) fail(kept.get(), what);
    return kept;
}

void Conn::exec(const char* sql) {
    run([&] { return PQsendQuery(c_, sql); }, "statement failed");
}

PgResult Conn::query(const char* sql) {
    return run([&] { return PQsendQuery(c_, sql); }, "query failed");
}

PgResult Conn::query(const std::string& sql, Params& p) {
    return run(
        [&] {
            return PQsendQueryParams(c_, sql.c_str(), p.size(), p.types(), p.values(), p.lengths(), p.formats(), 0);
        },
        "query failed");
}

void Conn::prepare(const char* name, const char* sql, int nparams) {
    if (prepared_.count(name)) return;
    run([&] { return PQsendPrepare(c_, name, sql, nparams, nullptr); }, std::string("prepare ") + name);
    prepared_.insert(name);
}

Conn::Unbounded::Unbounded(Conn& c) : c_(c), saved_(c.timeout_) {
    c_.exec("SET statement_timeout = 0");
    c_.timeout_ = std::chrono::milliseconds(0);
}

Conn::Unbounded::~Unbounded() {
    c_.timeout_ = saved_;
    if (c_.broken()) return;
    try {
        c_.exec(("SET statement_timeout = " + std::to_string(saved_.count())).c_str());
    } catch (const DbError&) {
        // The connection is broken now; its owner will find out on its next use.
    }
}

}  // namespace wsn::store::pg
