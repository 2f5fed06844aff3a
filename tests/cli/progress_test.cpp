// The progress line drawn by import, export and sync on a terminal (src/cli/progress.cpp).
#include <gtest/gtest.h>

#include "cli/progress.hpp"

namespace wsn::cli {
namespace {

TEST(ProgressLine, BarPercentRateAndTimeLeft) {
    EXPECT_EQ(progress_line(25000, "lines", 2.0, 0.25, 8), "[==>     ]  25% 25,000 lines  12,500/s  ETA 0:06");
    EXPECT_EQ(progress_line(1234567, "events", 1.0, 1.0, 4), "[====] 100% 1,234,567 events  1,234,567/s  ETA 0:00");
}

TEST(ProgressLine, WithoutATotalCountRateAndElapsed) {
    EXPECT_EQ(progress_line(999, "events", 3725.0, std::nullopt), "999 events  0/s  1:02:05");
    EXPECT_EQ(progress_line(0, "ids", 0.0, std::nullopt), "0 ids  -/s  0:00");
}

TEST(ProgressLine, FractionOutOfRangeIsClampedAndNothingDoneHasNoEta) {
    EXPECT_EQ(progress_line(0, "lines", 1.0, 0.0, 4), "[>   ]   0% 0 lines  0/s  ETA -:--");
    EXPECT_EQ(progress_line(5, "lines", 1.0, 7.0, 4), "[====] 100% 5 lines  5/s  ETA 0:00");
}

TEST(Progress, DrawsNothingWhenNotOnATerminal) {
    FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    {
        Progress p("lines", f);
        EXPECT_FALSE(p.on_terminal());
        p.update(10, 0.5);
        p.clear();
    }
    EXPECT_EQ(std::ftell(f), 0);
    std::fclose(f);
}

}  // namespace
}  // namespace wsn::cli
