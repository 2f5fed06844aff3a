#pragma once
// The live feed of a PostgreSQL store: a connection of its own that LISTENs for the
// wake-up every write batch sends at commit (and for ephemeral events), then reads
// the events with seq above the last it saw, in order, plus the gaps SeqTail keeps
// (numbers that may still commit). A read also happens every second without a
// wake-up, so a lost notification delays an event but never loses it. After the
// connection breaks, the feed reconnects and goes on from where it was.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "store/postgres/conn.hpp"
#include "store/postgres/seq_tail.hpp"
#include "store/store.hpp"

namespace wsn::store::pg {

class PgFeed final : public Feed {
public:
    // `seen_lsn`, if set, gets the WAL position each read saw everything up to (for
    // PgStore's choice between replica and primary).
    PgFeed(std::string url, std::chrono::milliseconds timeout, std::atomic<uint64_t>* seen_lsn)
        : url_(std::move(url)), timeout_(timeout), seen_lsn_(seen_lsn) {}
    Result<FeedBatch> next(std::chrono::milliseconds timeout) override;

    // Sequence numbers still looked for, and those given up (SeqTail).
    size_t open_gaps() const { return tail_.gaps().size(); }
    uint64_t dropped_gaps() const { return tail_.dropped(); }

private:
    void connect();
    // Waits for a notification up to `until`; collects ephemeral events; true when
    // stored events were announced.
    bool wait(std::chrono::steady_clock::time_point until, FeedBatch& batch);
    // Reads what is new; true if the read was cut short by its row limit.
    bool read(FeedBatch& batch);

    std::string url_;
    std::chrono::milliseconds timeout_;
    std::atomic<uint64_t>* seen_lsn_;
    std::unique_ptr<Conn> conn_;
    SeqTail tail_;
    bool started_ = false;
    bool more_ = false;  // the last read was cut short: read again at once
    std::chrono::steady_clock::time_point next_read_{}, retry_after_{};
    std::string last_error_;
    uint64_t number_ = 0;
};

}  // namespace wsn::store::pg
