#include <gtest/gtest.h>

#include "relay/ingest_batch.hpp"

namespace wsn::relay {
namespace {

IngestMsg text(uint64_t conn, std::string t) { return in::Text{conn, std::move(t)}; }

// What is left, written as "o1 t1:a c1" (open, text, closed).
std::string describe(const std::vector<IngestMsg>& batch) {
    std::string out;
    for (const auto& m : batch) {
        if (!out.empty()) out += ' ';
        if (const auto* o = std::get_if<in::Open>(&m)) out += "o" + std::to_string(o->info.id);
        else if (const auto* t = std::get_if<in::Text>(&m)) out += "t" + std::to_string(t->conn) + ":" + t->text;
        else out += "c" + std::to_string(std::get<in::Closed>(m).conn);
    }
    return out;
}

in::Open open(uint64_t id) {
    in::Open o;
    o.info.id = id;
    return o;
}

TEST(IngestBatch, TextsOfAConnectionClosedInTheBatchAreDropped) {
    std::vector<IngestMsg> batch;
    batch.push_back(open(1));
    batch.push_back(text(1, "a"));
    batch.push_back(text(2, "b"));
    batch.push_back(text(1, "c"));
    batch.push_back(in::Closed{1});
    batch.push_back(text(2, "d"));
    EXPECT_EQ(drop_texts_of_closed(batch), 2u);
    // The open and the close stay (the verifier's connection state and metrics), as do
    // the other connection's texts, in order.
    EXPECT_EQ(describe(batch), "o1 t2:b c1 t2:d");
}

TEST(IngestBatch, NothingIsDroppedWithoutAClose) {
    std::vector<IngestMsg> batch;
    batch.push_back(text(3, "x"));
    batch.push_back(open(4));
    batch.push_back(text(4, "y"));
    batch.push_back(text(3, "z"));
    EXPECT_EQ(drop_texts_of_closed(batch), 0u);
    EXPECT_EQ(describe(batch), "t3:x o4 t4:y t3:z");
}

TEST(IngestBatch, SeveralClosedConnections) {
    std::vector<IngestMsg> batch;
    for (uint64_t c : {5, 6, 7, 6, 5}) batch.push_back(text(c, std::to_string(c)));
    batch.push_back(in::Closed{6});
    batch.push_back(in::Closed{5});
    EXPECT_EQ(drop_texts_of_closed(batch), 4u);
    EXPECT_EQ(describe(batch), "t7:7 c6 c5");
}

}  // namespace
}  // namespace wsn::relay
