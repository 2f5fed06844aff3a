#include "cli/stop_signals.hpp"

#include <pthread.h>

#include <csignal>
#include <ctime>

namespace wsn::cli {

namespace {
sigset_t stop_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}
}  // namespace

StopSignals::StopSignals() {
    const sigset_t set = stop_set();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

void StopSignals::watch(std::function<void(int sig)> on_stop) {
    // A short tick, so the destructor is not kept waiting for a signal that never comes.
    watcher_ = std::thread([this, f = std::move(on_stop)] {
        const sigset_t set = stop_set();
        const timespec tick{0, 200'000'000};
        while (!done_) {
            const int sig = sigtimedwait(&set, nullptr, &tick);
            if (sig == SIGINT || sig == SIGTERM) {
                f(sig);
                return;
            }
        }
    });
}

StopSignals::~StopSignals() {
    done_ = true;
    if (watcher_.joinable()) watcher_.join();
}

}  // namespace wsn::cli
