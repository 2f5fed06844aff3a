#pragma once
// The query worker: answers REQ with stored events and EOSE, and COUNT. Queries run
// in short slices, round robin, so one slow query does not hold back the others;
// each keeps its own read snapshot. After EOSE the subscription lives on in the
// monitor, which it was handed to when the query began.
//
// Stored results go out only as fast as the connection takes them: a query pauses
// when the connection has more than kSendWindow unsent (and lets go of its snapshot),
// and resumes when the connection reports it drained to kResumeMark (req::Drained).
// So a reader that reads gets everything however much it asked for, and one that
// stops reading holds at most a window of stored results.
#include <deque>
#include <list>
#include <memory>

#include "relay/shared.hpp"

namespace wsn::relay {

class QueryWorker {
public:
    explicit QueryWorker(Shared& sh) : sh_(sh) {}
    void run();

private:
    struct Active {
        uint64_t conn;
        std::string sub;
        std::unique_ptr<store::Query> query;
        Readers readers;
        bool paused = false;  // waiting for the connection to drain
    };
    void handle(ReqMsg& m);
    // Answers a COUNT (its slices run back to back).
    void count(req::Count& v);
    // Starts waiting REQs while fewer than kMaxActive run (each may hold a read snapshot).
    void admit();
    void cancel(uint64_t conn, const std::string* sub);
    void resume(uint64_t conn);
    bool any_runnable() const;
    // One slice of each active query; returns when all had their turn.
    void step_all();

    Shared& sh_;
    std::list<Active> active_;
    std::deque<req::Open> waiting_;
};

}  // namespace wsn::relay
