#include "relay/fair_queue.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace wsn::relay {
namespace {

std::vector<uint64_t> drain(FairQueue& q, size_t n) {
    std::vector<uint64_t> out;
    for (size_t i = 0; i < n; ++i)
        if (auto j = q.next()) out.push_back(*j);
    return out;
}

TEST(FairQueue, EmptyHasNoTurn) {
    FairQueue q;
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.next());
}

TEST(FairQueue, OneConnectionTakesItsJobsInOrder) {
    FairQueue q;
    for (uint64_t j = 1; j <= 3; ++j) q.push("a", 7, j);
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(drain(q, 4), (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_TRUE(q.empty());
}

TEST(FairQueue, AddressesTakeTurnsWhateverTheirConnectionsAndJobs) {
    FairQueue q;
    // Address "attacker": 10 connections of 10 jobs each (ids 100..199); "victim": one job.
    for (uint64_t c = 0; c < 10; ++c)
        for (uint64_t j = 0; j < 10; ++j) q.push("attacker", c, 100 + c * 10 + j);
    q.push("victim", 99, 1);
    auto first = drain(q, 2);
    EXPECT_EQ(first, (std::vector<uint64_t>{100, 1}));  // the victim waits for one attacker turn only
}

TEST(FairQueue, ConnectionsOfOneAddressTakeTurns) {
    FairQueue q;
    q.push("a", 1, 10);
    q.push("a", 1, 11);
    q.push("a", 2, 20);
    q.push("a", 2, 21);
    EXPECT_EQ(drain(q, 4), (std::vector<uint64_t>{10, 20, 11, 21}));
}

// Jobs that go on are pushed again: every address keeps an equal share of the turns.
TEST(FairQueue, RunningJobsShareTurnsEquallyPerAddress) {
    FairQueue q;
    std::map<uint64_t, std::string> ip_of;
    std::map<uint64_t, uint64_t> conn_of;
    uint64_t id = 0;
    auto add = [&](const std::string& ip, uint64_t conn) {
        ip_of[++id] = ip;
        conn_of[id] = conn;
        q.push(ip, conn, id);
    };
    for (uint64_t c = 0; c < 20; ++c)
        for (int j = 0; j < 5; ++j) add("attacker", c);  // 100 jobs
    add("victim", 1000);
    add("other", 2000);
    add("other", 2001);
    std::map<std::string, int> turns;
    std::map<uint64_t, int> other_conn_turns;
    for (int i = 0; i < 3000; ++i) {
        uint64_t j = *q.next();
        ++turns[ip_of[j]];
        if (ip_of[j] == "other") ++other_conn_turns[conn_of[j]];
        q.push(ip_of[j], conn_of[j], j);  // it goes on
    }
    EXPECT_EQ(turns["attacker"], 1000);
    EXPECT_EQ(turns["victim"], 1000);
    EXPECT_EQ(turns["other"], 1000);
    EXPECT_EQ(other_conn_turns[2000], 500);
    EXPECT_EQ(other_conn_turns[2001], 500);
}

TEST(FairQueue, AnAddressThatLeftComesBackAtTheEnd) {
    FairQueue q;
    q.push("a", 1, 1);
    q.push("b", 2, 2);
    EXPECT_EQ(*q.next(), 1u);  // "a" has nothing left: gone from the turns
    q.push("a", 1, 3);
    EXPECT_EQ(drain(q, 2), (std::vector<uint64_t>{2, 3}));
    EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace wsn::relay
