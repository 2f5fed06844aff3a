// The Prometheus text: exact lines for counters, gauges and the histogram, and
// counts that add up when several threads increment at once.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "relay/metrics.hpp"

using namespace wsn;
using namespace wsn::relay;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

}  // namespace

TEST(Metrics, FreshRenderHasEveryFamilyAtZero) {
    Metrics m;
    std::string t = m.render();
    EXPECT_TRUE(t.starts_with("# HELP wsn_connections "));
    for (const char* line :
         {"# TYPE wsn_connections gauge", "wsn_connections{scheme=\"ws\"} 0", "wsn_connections{scheme=\"wsns\"} 0",
          "# TYPE wsn_messages_total counter", "wsn_messages_total{verb=\"EVENT\"} 0",
          "wsn_messages_total{verb=\"invalid\"} 0", "# TYPE wsn_events_total counter",
          "wsn_events_total{result=\"stored\"} 0", "wsn_events_total{result=\"duplicate\"} 0",
          "wsn_events_total{result=\"rejected\"} 0", "wsn_rate_limited_total{limit=\"reqs_per_ip\"} 0",
          "# TYPE wsn_handshake_failures_total counter", "wsn_handshake_failures_total 0",
          "# TYPE wsn_tls_handshake_failures_total counter", "wsn_tls_handshake_failures_total 0",
          "# TYPE wsn_write_batch_seconds histogram", "wsn_write_batch_seconds_bucket{le=\"+Inf\"} 0",
          "wsn_write_batch_seconds_sum 0", "wsn_write_batch_seconds_count 0"})
        EXPECT_TRUE(has_line(t, line)) << line << "\n" << t;
    EXPECT_TRUE(t.ends_with("\n"));
}

TEST(Metrics, CountsShowInTheText) {
    Metrics m;
    m.connection_opened(Scheme::wsn);
    m.connection_opened(Scheme::wsn);
    m.connection_opened(Scheme::ws);
    m.connection_closed(Scheme::wsn);
    m.messages.inc("EVENT");
    m.messages.inc("EVENT", 2);
    m.messages.inc("REQ");
    m.events.inc("stored");
    m.events.inc("duplicate");
    m.handshake_failures.only().set(7);
    m.tls_handshake_failures.only().set(2);
    std::string t = m.render();
    for (const char* line : {"wsn_connections{scheme=\"wsn\"} 1", "wsn_connections{scheme=\"ws\"} 1",
                             "wsn_connections{scheme=\"wss\"} 0", "wsn_messages_total{verb=\"EVENT\"} 3",
                             "wsn_messages_total{verb=\"REQ\"} 1", "wsn_events_total{result=\"stored\"} 1",
                             "wsn_events_total{result=\"duplicate\"} 1", "wsn_handshake_failures_total 7",
                             "wsn_tls_handshake_failures_total 2"})
        EXPECT_TRUE(has_line(t, line)) << line << "\n" << t;
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Histogram h("lat_seconds", "Latency.", {0.001, 0.01, 0.1});
    h.observe(0.0005);
    h.observe(0.001);  // on the bound: counts in le="0.001"
    h.observe(0.05);
    h.observe(3);
    std::string t;
    h.render(t);
    EXPECT_EQ(t,
              "# HELP lat_seconds Latency.\n"
              "# TYPE lat_seconds histogram\n"
              "lat_seconds_bucket{le=\"0.001\"} 2\n"
              "lat_seconds_bucket{le=\"0.01\"} 2\n"
              "lat_seconds_bucket{le=\"0.1\"} 3\n"
              "lat_seconds_bucket{le=\"+Inf\"} 4\n"
              "lat_seconds_sum 3.0515\n"
              "lat_seconds_count 4\n");
    EXPECT_EQ(h.count(), 4u);
}

TEST(Metrics, FamilyFindsOnlyDeclaredValues) {
    Family<Counter> f("x_total", "X.", "kind", {"a", "b"});
    EXPECT_NE(f.find("a"), nullptr);
    EXPECT_EQ(f.find("b"), &f.at(1));
}

TEST(Metrics, ConcurrentIncrementsAllCount) {
    Metrics m;
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t)
        ts.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                m.messages.inc("EVENT");
                m.write_batch_seconds.observe(0.002);
            }
        });
    for (auto& t : ts) t.join();
    EXPECT_EQ(m.messages.find("EVENT")->value(), 40000u);
    EXPECT_EQ(m.write_batch_seconds.count(), 40000u);
    EXPECT_NEAR(m.write_batch_seconds.sum(), 80.0, 1e-6);
    EXPECT_TRUE(has_line(m.render(), "wsn_write_batch_seconds_bucket{le=\"0.0025\"} 40000"));
}
