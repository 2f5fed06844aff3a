// Durability: a child process writes batches (LMDB: sync on) and reports each
// write() that returned; it is killed with SIGKILL mid-stream. Every reported
// event must be there when the store is opened again.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.hpp"

namespace wsn::store::test {
namespace {

constexpr int kPerBatch = 20;

nostr::Event crash_event(int batch, int i) {
    return make(i % 3, kNow - batch, 1, {{"t", "crash"}}, std::to_string(batch) + "/" + std::to_string(i));
}

[[noreturn]] void child_writes(const Options& opts, int ack_fd) {
    auto store = store::open(opts);
    if (!store.ok()) _exit(2);
    for (int b = 0; b < 100000; ++b) {
        std::vector<WriteItem> batch;
        for (int i = 0; i < kPerBatch; ++i) {
            auto e = crash_event(b, i);
            batch.emplace_back(e);
        }
        if (!(*store)->write(batch, kNow).ok()) _exit(3);
        if (::write(ack_fd, &b, sizeof b) != sizeof b) _exit(4);
    }
    _exit(0);
}

TEST_P(StoreTest, AcknowledgedWritesSurviveSigkill) {
    store_.reset();  // the child owns the store while it runs
    key(0);          // make the keys before forking, so both processes sign with them
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        child_writes(options(true), fds[1]);
    }
    close(fds[1]);
    int acked = -1, b = 0;
    while (acked < 25 && read(fds[0], &b, sizeof b) == sizeof b) acked = b;
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    while (read(fds[0], &b, sizeof b) == sizeof b) acked = b;  // acks sent before the kill
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child ended by itself, status " << status;
    ASSERT_GE(acked, 25);

    open();
    std::vector<nostr::Id> ids;
    for (int bb = 0; bb <= acked; ++bb)
        for (int i = 0; i < kPerBatch; ++i) ids.push_back(crash_event(bb, i).id);
    nostr::Filter f;
    f.ids = ids;
    f.normalize();
    EXPECT_EQ(query({f}, kUnbounded, kNow, 1'000'000).size(), ids.size());
    EXPECT_GE(store_->event_count(), ids.size());
    EXPECT_LE(store_->event_count(), ids.size() + kPerBatch);  // at most the batch in flight
    EXPECT_EQ(put(make(0, kNow, 1, {}, "after the crash")), WriteOutcome::stored);
}

}  // namespace
}  // namespace wsn::store::test
