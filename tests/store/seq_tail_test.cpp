// SeqTail: the sequence numbers a PostgreSQL feed has seen and the gaps it still reads.
#include <gtest/gtest.h>

#include "store/postgres/seq_tail.hpp"

namespace wsn::store::pg {
namespace {

using V = std::vector<uint64_t>;

TEST(SeqTail, AGapStaysOpenUntilItsHolderMustHaveEnded) {
    SeqTail t;
    t.start(10, 16, V{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 100);
    EXPECT_TRUE(t.gaps().empty());
    // 12 and 13 commit before 11: 11 is a gap found in a snapshot with xmax 120.
    t.apply({}, V{12, 13}, 110, 120);
    EXPECT_EQ(t.last(), 13u);
    EXPECT_EQ(t.gaps(), V{11});
    t.apply({}, {}, 119, 125);  // the oldest running xid is still below 120
    EXPECT_EQ(t.gaps(), V{11});
    t.apply(V{11}, {}, 119, 125);  // it committed: read, and no longer a gap
    EXPECT_TRUE(t.gaps().empty());
}

TEST(SeqTail, AGapNobodyCanFillIsClosed) {
    SeqTail t;
    t.start(0, 16, {}, 1);
    t.apply({}, V{2, 5}, 50, 60);
    EXPECT_EQ(t.gaps(), (V{1, 3, 4}));
    t.apply(V{3}, {}, 55, 61);
    EXPECT_EQ(t.gaps(), (V{1, 4}));
    t.apply({}, {}, 60, 70);  // every transaction below xmax 60 has ended: rolled back
    EXPECT_TRUE(t.gaps().empty());
}

TEST(SeqTail, StartFindsTheNumbersBelowThatMayStillCommit) {
    SeqTail t;
    t.start(100, 8, V{93, 95, 96, 98, 99, 100}, 500);
    EXPECT_EQ(t.gaps(), (V{94, 97}));
    t.start(3, 8, V{1, 3}, 500);
    EXPECT_EQ(t.gaps(), V{2});
}

TEST(SeqTail, GapsAreBounded) {
    SeqTail t;
    t.start(0, 1, {}, 1);
    t.apply({}, V{SeqTail::kMaxGaps + 11}, 5, 10);
    EXPECT_EQ(t.gaps().size(), SeqTail::kMaxGaps);
    EXPECT_EQ(t.gaps().front(), 11u);  // the oldest were given up, and counted
    EXPECT_EQ(t.dropped(), 10u);
}

}  // namespace
}  // namespace wsn::store::pg
