#pragma once
// A query worker: answers REQ with stored events and EOSE, and COUNT, for the
// connections given to it (Shared::query_for: there are threads.queries of them, each
// connection's queries on one, in order). Each query (a REQ's stored part or a COUNT)
// runs in slices of kSliceBudget index steps, taking turns fairly (fair_queue.hpp):
// client addresses take turns, then each address's connections, then each connection's
// queries, so no client's queries hold back another's, however many it sends. A
// connection has at most limits.max_queries_in_flight queries at once, a query at most
// limits.max_query_cost steps; past either the query is answered CLOSED.
//
// A query holds a read snapshot for one slice only and goes on by key in the next, so a
// worker keeps one snapshot open whatever number of queries it has. After EOSE the
// subscription lives on in the monitor, which it was handed to when its first slice ran.
//
// Stored results go out only as fast as the connection takes them: a query pauses when
// the connection has more than kSendWindow unsent, and goes on when the connection
// reports it drained to kResumeMark (req::Drained). So a reader that reads gets
// everything however much it asked for, and one that stops reading holds at most a
// window of stored results.
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "relay/count_answer.hpp"
#include "relay/fair_queue.hpp"
#include "relay/shared.hpp"

namespace wsn::relay {

class QueryWorker {
public:
    QueryWorker(Shared& sh, Inbox<ReqMsg>& inbox) : sh_(sh), inbox_(inbox) {}
    void run();

private:
    struct Job {
        uint64_t conn;
        std::string sub;
        std::string ip;
        Readers readers;
        std::vector<nostr::Filter> filters;     // until its first slice
        bool is_count = false;
        std::unique_ptr<store::Query> query{};  // a REQ, once begun
        std::unique_ptr<CountAnswer> count{};   // a COUNT, once begun
        uint64_t cost = 0;                      // index steps granted so far
        bool paused = false;                    // a REQ waiting for its connection to drain
    };
    void handle(ReqMsg& m);
    void add(Job job);
    // Runs one slice; false once the job is over (answered, refused or failed).
    bool slice(Job& j);
    bool slice_req(Job& j);
    bool slice_count(Job& j);
    void cancel(uint64_t conn, const std::string* sub);
    void resume(uint64_t conn);
    void forget(uint64_t id);
    void to_monitor(MonitorMsg m);  // without waking it

    Shared& sh_;
    Inbox<ReqMsg>& inbox_;
    FairQueue turns_;                            // ids of the jobs ready to run
    std::unordered_map<uint64_t, Job> jobs_;     // by id; cancelled jobs leave turns_ lazily
    std::unordered_map<uint64_t, std::vector<uint64_t>> by_conn_;
    uint64_t next_id_ = 0;
};

}  // namespace wsn::relay
