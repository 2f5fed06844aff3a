#include <gtest/gtest.h>

#include "loadgen/latency.hpp"
#include "loadgen/report.hpp"

namespace wsn::loadgen {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(Latency, NearestRankPercentiles) {
    LatencyRecorder r;
    EXPECT_EQ(r.percentile_ms(50), 0);
    // 1..100 ms, shuffled order.
    for (int i = 0; i < 100; ++i) r.add(milliseconds((i * 37) % 100 + 1));
    EXPECT_DOUBLE_EQ(r.percentile_ms(50), 50);
    EXPECT_DOUBLE_EQ(r.percentile_ms(99), 99);
    EXPECT_DOUBLE_EQ(r.percentile_ms(100), 100);
    EXPECT_DOUBLE_EQ(r.percentile_ms(1), 1);
    EXPECT_DOUBLE_EQ(r.mean_ms(), 50.5);
    EXPECT_DOUBLE_EQ(r.max_ms(), 100);
}

TEST(Latency, SmallSetsAndOutliers) {
    LatencyRecorder r;
    r.add(microseconds(1500));
    EXPECT_DOUBLE_EQ(r.percentile_ms(50), 1.5);
    EXPECT_DOUBLE_EQ(r.percentile_ms(99), 1.5);
    // 99 fast, one slow: p99 is still fast, the maximum is not.
    LatencyRecorder s;
    for (int i = 0; i < 99; ++i) s.add(milliseconds(1));
    s.add(milliseconds(500));
    EXPECT_DOUBLE_EQ(s.percentile_ms(99), 1);
    EXPECT_DOUBLE_EQ(s.percentile_ms(100), 500);
    // 199 fast, one slow out of 200: p99 is rank 198.
    LatencyRecorder t;
    for (int i = 0; i < 197; ++i) t.add(milliseconds(1));
    for (int i = 0; i < 3; ++i) t.add(milliseconds(9));
    EXPECT_DOUBLE_EQ(t.percentile_ms(99), 9);
}

TEST(Latency, MergeKeepsEverySample) {
    LatencyRecorder a, b;
    for (int i = 1; i <= 50; ++i) a.add(milliseconds(i));
    for (int i = 51; i <= 100; ++i) b.add(milliseconds(i));
    a.merge(b);
    EXPECT_EQ(a.count(), 100u);
    EXPECT_DOUBLE_EQ(a.percentile_ms(50), 50);
    EXPECT_DOUBLE_EQ(a.percentile_ms(99), 99);
}

TEST(Report, OneJsonLineAndAnAlignedSummary) {
    Report r("publish");
    r.add("uri", std::string("ws://127.0.0.1:1/\"x\"")).add("ok", uint64_t(10)).add("p50_ms", 1.23456);
    r.add("rejected_by", Report::Counts{{"invalid", 2}, {"rate-limited", 1}});
    EXPECT_EQ(r.json(),
              "{\"workload\":\"publish\",\"uri\":\"ws://127.0.0.1:1/\\\"x\\\"\",\"ok\":10,\"p50_ms\":1.235,"
              "\"rejected_by\":{\"invalid\":2,\"rate-limited\":1}}");
    EXPECT_EQ(r.text(),
              "wsn bench publish\n"
              "  uri          ws://127.0.0.1:1/\"x\"\n"
              "  ok           10\n"
              "  p50_ms       1.235\n"
              "  rejected_by  invalid 2, rate-limited 1\n");
    ASSERT_NE(r.get("ok"), nullptr);
    EXPECT_EQ(std::get<uint64_t>(*r.get("ok")), 10u);
    EXPECT_EQ(r.get("missing"), nullptr);
}

}  // namespace
}  // namespace wsn::loadgen
