#include "store/postgres/feed.hpp"

#include <poll.h>

#include <charconv>
#include <thread>

#include "store/postgres/schema.hpp"

namespace wsn::store::pg {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollEvery = std::chrono::seconds(1);  // read even without a wake-up
constexpr auto kRetryAfterFailure = std::chrono::seconds(1);
constexpr int kReadLimit = 5000;                      // rows per read
constexpr uint64_t kStartWindow = 4096;               // numbers below the start that may still commit

// The snapshot's xmin and xmax (xid8, as text), taken by the transaction's first
// statement, and a WAL position at or past every commit that snapshot sees.
constexpr const char* kSnapshotSql =
    "SELECT pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text, pg_current_wal_insert_lsn()::text "
    "FROM pg_current_snapshot() AS s";

uint64_t as_u64(std::string_view s) {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) throw DbError("store: not a number: " + std::string(s));
    return v;
}

std::vector<int64_t> as_i64(const std::vector<uint64_t>& v) { return {v.begin(), v.end()}; }

}  // namespace

void PgFeed::connect() {
    conn_ = Conn::connect(url_, timeout_);
    // Listen first, then read: a commit between the two is read, not missed.
    conn_->exec((std::string("LISTEN ") + schema::kChannelEvents + "; LISTEN " + schema::kChannelEphemeral).c_str());
    if (started_) return;
    conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    PgResult snap = conn_->query(kSnapshotSql);
    uint64_t last = uint64_t(conn_->query("SELECT coalesce(max(seq), 0) FROM wsn_events").int8(0, 0));
    Params p;
    p.int8(int64_t(last > kStartWindow ? last - kStartWindow : 0));
    PgResult rows = conn_->query("SELECT seq FROM wsn_events WHERE seq > $1 ORDER BY seq", p);
    conn_->exec("COMMIT");
    std::vector<uint64_t> present;
    for (int i = 0; i < rows.rows(); ++i) present.push_back(uint64_t(rows.int8(i, 0)));
    tail_.start(last, kStartWindow, present, as_u64(snap.text(0, 1)));
    started_ = true;
}

bool PgFeed::wait(Clock::time_point until, FeedBatch& batch) {
    bool stored = false;
    for (;;) {
        while (PGnotify* n = PQnotifies(conn_->get())) {
            std::string_view channel(n->relname), payload(n->extra);
            if (channel == schema::kChannelEvents) {
                stored = true;
            } else if (payload.starts_with("#")) {  // too big for the payload: in wsn_ephemeral
                Params p;
                p.int8(int64_t(as_u64(payload.substr(1))));
                PgResult r = conn_->query("SELECT json FROM wsn_ephemeral WHERE id = $1", p);
                if (r.rows()) batch.ephemeral.emplace_back(r.text(0, 0));
            } else {
                batch.ephemeral.emplace_back(payload);
            }
            PQfreemem(n);
        }
        if (stored || !batch.ephemeral.empty()) return stored;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return false;
        pollfd pfd{PQsocket(conn_->get()), POLLIN, 0};
        int rc = ::poll(&pfd, 1, int(left));
        if (rc < 0 && errno != EINTR) throw Unavailable("store: database unavailable: poll failed");
        if (rc > 0 && !PQconsumeInput(conn_->get())) conn_->fail(nullptr, "listen");
    }
}

bool PgFeed::read(FeedBatch& batch) {
    conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    PgResult snap = conn_->query(kSnapshotSql);
    std::vector<uint64_t> found, above;
    std::vector<uint64_t> gaps = tail_.gaps();
    if (!gaps.empty()) {
        Params p;
        p.int8_array(as_i64(gaps));
        PgResult r = conn_->query("SELECT seq, json FROM wsn_events WHERE seq = ANY ($1) ORDER BY seq", p);
        for (int i = 0; i < r.rows(); ++i) {
            found.push_back(uint64_t(r.int8(i, 0)));
            batch.stored.emplace_back(r.text(i, 1));
        }
    }
    Params p;
    p.int8(int64_t(tail_.last()));
    p.int8(kReadLimit);
    PgResult r = conn_->query("SELECT seq, json FROM wsn_events WHERE seq > $1 ORDER BY seq LIMIT $2", p);
    for (int i = 0; i < r.rows(); ++i) {
        above.push_back(uint64_t(r.int8(i, 0)));
        batch.stored.emplace_back(r.text(i, 1));
    }
    conn_->exec("COMMIT");
    tail_.apply(found, above, as_u64(snap.text(0, 0)), as_u64(snap.text(0, 1)));
    if (seen_lsn_) seen_lsn_->store(parse_lsn(snap.text(0, 2)));
    return r.rows() == kReadLimit;
}

Result<FeedBatch> PgFeed::next(std::chrono::milliseconds timeout) {
    auto until = Clock::now() + timeout;
    FeedBatch batch;
    try {
        if (!conn_ || conn_->broken()) {
            conn_.reset();
            if (Clock::now() < retry_after_) {
                std::this_thread::sleep_until(std::min(until, retry_after_));
                return err(last_error_);
            }
            connect();
            more_ = true;  // catch up on what committed while away
        }
        bool due = more_ || Clock::now() >= next_read_;
        if (!due) due = wait(std::min(until, next_read_), batch) || Clock::now() >= next_read_;
        if (due) {
            more_ = read(batch);
            next_read_ = Clock::now() + kPollEvery;
        }
    } catch (const DbError& e) {
        conn_.reset();
        retry_after_ = Clock::now() + kRetryAfterFailure;
        last_error_ = e.what();
        return err(last_error_);
    }
    if (!batch.stored.empty() || !batch.ephemeral.empty()) batch.number = ++number_;
    return batch;
}

}  // namespace wsn::store::pg
