// The signed example in docs/discovery.md §1.5 is a valid announcement that reads as the
// text says: the addresses a client tries, in order.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "nostr/nip19.hpp"
#include "nostr/parser.hpp"
#include "wsn/resolution.hpp"

namespace wsn {
namespace {

std::string read_doc() {
    std::ifstream in(std::string(WSN_SOURCE_DIR) + "/docs/discovery.md");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(DiscoveryDoc, ExampleAnnouncementVerifiesAndReadsAsDocumented) {
    const std::string doc = read_doc();
    const std::string marker = "<!-- discovery-example -->\n```json\n";
    const size_t start = doc.find(marker);
    ASSERT_NE(start, std::string::npos) << "docs/discovery.md has no example";
    const size_t end = doc.find("\n```", start + marker.size());
    ASSERT_NE(end, std::string::npos);
    nostr::Parser parser;
    auto e = parser.parse_event(doc.substr(start + marker.size(), end - start - marker.size()));
    ASSERT_TRUE(e) << e.error().message;
    auto a = accept_announcement(*e, e->pubkey, e->created_at);
    ASSERT_TRUE(a) << a.error().message;

    const std::string npub = nostr::encode_npub(e->pubkey);
    EXPECT_NE(doc.find("Its key is `" + npub + "`"), std::string::npos) << "the text names another key";
    std::vector<std::string> tried;
    for (const auto& c : candidates(*a, false)) tried.push_back(format_address(c));
    EXPECT_EQ(tried, (std::vector<std::string>{"wsn://" + npub + "@203.0.113.7:7447", "wsn://" + npub + "@[2001:db8::7]:7447",
                                               "wsns://" + npub + "@relay.example.com/nostr"}));
    for (const auto& t : tried) EXPECT_NE(doc.find(t), std::string::npos) << "the text does not list " << t;
    EXPECT_EQ(candidates(*a, true).size(), 4u);  // and the .onion one with SOCKS5
    EXPECT_EQ(a->transports.size(), 5u);          // the wss one is listed, never tried
}

}  // namespace
}  // namespace wsn
