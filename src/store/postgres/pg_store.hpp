#pragma once
// The PostgreSQL backend: several relay frontends share one database (schema in
// schema.hpp). Writes go to the primary through the writer's own connection, one
// transaction per chunk of a batch, pipelined (one round trip); the write rules run
// in the server (wsn_put) under per-author advisory locks, so frontends racing on
// one replaceable slot or deletion leave what one writer would. Queries run on a
// pool of connections, one statement per step, resuming by key. After each commit
// a NOTIFY wakes every frontend's Feed (feed.hpp).
//
// With read_url, REQ and COUNT read from a streaming replica whenever it has
// replayed this frontend's last write (else from the primary), so a client always
// sees what it was told OK true for.
#include <atomic>
#include <chrono>
#include <memory>

#include "store/options.hpp"
#include "store/postgres/conn.hpp"
#include "store/postgres/pool.hpp"
#include "store/store.hpp"

namespace wsn::store::pg {

class PgStore final : public Store {
public:
    // Connects to the primary (failing clearly if it cannot) and creates or upgrades the schema.
    static Result<std::unique_ptr<PgStore>> open(const PostgresOptions& opts);
    ~PgStore() override;

    Result<std::vector<WriteOutcome>> write(std::span<const WriteItem> batch, int64_t now) override;
    std::unique_ptr<Query> query(std::vector<nostr::Filter> filters, uint64_t max_limit, int64_t now) const override;
    std::unique_ptr<Count> count(std::vector<nostr::Filter> filters, int64_t now) const override;
    std::unique_ptr<IdScan> scan_ids(std::vector<nostr::Filter> filters, uint64_t max_items,
                                     int64_t now) const override;
    Result<uint64_t> erase(const nostr::Filter& filter) override;
    Result<uint64_t> purge_expired(int64_t now, uint64_t max_events) override;
    uint64_t event_count() const override;
    Result<std::string> setting(std::string_view name) const override;
    Status put_setting(std::string_view name, std::string_view value) override;
    std::unique_ptr<Feed> feed() override;
    Status publish(std::span<const std::string> ephemeral_json) override;

    // A connection for reading: the replica when it has replayed this frontend's
    // writes (and, for a REQ, whose live part follows, what its feeds have delivered),
    // else the primary.
    Pool::Lease read_conn(bool for_req) const;

private:
    explicit PgStore(const PostgresOptions& opts);
    // The writer's connection, made again after it broke.
    Conn& writer();
    // Runs `body` on the writer's connection, turning a failure into an Error (and
    // dropping a broken connection).
    template <class F>
    auto on_writer(F&& body) -> Result<decltype(body(std::declval<Conn&>()))>;

    PostgresOptions opts_;
    std::unique_ptr<Conn> writer_;
    std::chrono::steady_clock::time_point writer_retry_after_{};
    std::string writer_last_failure_;
    mutable Pool primary_;
    mutable std::unique_ptr<Pool> replica_;
    std::atomic<uint64_t> last_write_lsn_{0};       // WAL position after this frontend's last commit
    std::atomic<uint64_t> feed_lsn_{0};             // WAL position of its feeds' last read
    mutable std::atomic<uint64_t> replica_lsn_{0};  // what the replica had replayed when last asked
};

template <class F>
auto PgStore::on_writer(F&& body) -> Result<decltype(body(std::declval<Conn&>()))> {
    try {
        return body(writer());
    } catch (const DbError& e) {
        // Whatever state the failure left the connection in (a transaction or pipeline
        // half done), a new one starts clean; failures are rare enough.
        writer_.reset();
        return err(e.what());
    }
}

}  // namespace wsn::store::pg
