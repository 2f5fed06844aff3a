#pragma once
// SIGINT and SIGTERM as a request to stop. One thread takes them with sigtimedwait, so no
// handler ever runs inside the program's own code. SIGPIPE is ignored (a peer that hangs
// up is an error on that connection, not the end of the process).
#include <atomic>
#include <functional>
#include <thread>

namespace wsn::cli {

class StopSignals {
public:
    // Blocks the two signals in this thread and in every thread it starts from now on:
    // construct before starting other threads. A signal that comes before watch() waits.
    StopSignals();
    // The first SIGINT or SIGTERM calls on_stop(signal), once, on a watching thread.
    void watch(std::function<void(int sig)> on_stop);
    // Stops watching; on_stop is not called after this returns.
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    std::atomic<bool> done_{false};
    std::thread watcher_;
};

}  // namespace wsn::cli
