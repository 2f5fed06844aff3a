#include <gtest/gtest.h>

#include <unistd.h>

#include "loadgen/proc.hpp"

namespace wsn::loadgen {
namespace {

using std::chrono::microseconds;

TEST(Proc, StatCpuTimeIsUtimePlusStime) {
    // A comm with spaces and a ')' of its own: fields count from the last ')'.
    const std::string line =
        "4242 (strfry) (x y)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 125 0 0 20 0 9 0 100 200000000 5000\n";
    auto t = parse_stat_cpu_time(line, 100);
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(*t, microseconds(3750000));
    EXPECT_EQ(*parse_stat_cpu_time(line, 1000), microseconds(375000));
    EXPECT_FALSE(parse_stat_cpu_time("4242 (x) S 1 2 3", 100));
    EXPECT_FALSE(parse_stat_cpu_time("no parenthesis at all", 100));
    EXPECT_FALSE(parse_stat_cpu_time("1 (x) S 1 1 1 0 -1 0 0 0 0 0 2x0 1 0", 100));
    EXPECT_FALSE(parse_stat_cpu_time(line, 0));
}

TEST(Proc, IoWriteBytesIsTheWriteBytesLine) {
    const std::string io =
        "rchar: 1000\nwchar: 453948578\nsyscr: 10\nsyscw: 20\nread_bytes: 0\nwrite_bytes: 1780547584\n"
        "cancelled_write_bytes: 4096\n";
    auto w = parse_io_write_bytes(io);
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ(*w, 1780547584u);
    EXPECT_FALSE(parse_io_write_bytes("rchar: 1\ncancelled_write_bytes: 4096\n"));  // not mistaken for it
    EXPECT_FALSE(parse_io_write_bytes("rchar: 1\nwrite_bytes: 12x\n"));
    auto own = write_bytes(getpid());
    EXPECT_TRUE(own) << own.error().message;
    EXPECT_FALSE(write_bytes(0x7ffffff0));
}

TEST(Proc, OwnCpuTimeGrows) {
    auto before = cpu_time(getpid());
    ASSERT_TRUE(before) << before.error().message;
    // Spin until the kernel's next tick is charged to us (10 ms at most when not starved).
    auto after = before;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    volatile uint64_t x = 0;
    while (after && *after == *before && std::chrono::steady_clock::now() < give_up) {
        for (int i = 0; i < 100000; ++i) x = x + 1;
        after = cpu_time(getpid());
    }
    ASSERT_TRUE(after);
    EXPECT_GT(*after, *before);
    auto none = cpu_time(0x7ffffff0);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("cannot read /proc/"), std::string::npos);
}

}  // namespace
}  // namespace wsn::loadgen
