// The gateway's NIP-11 document: the upstream's, with `self` and the wsn addresses its own.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "proxy/info_document.hpp"

namespace wsn::proxy {
namespace {

crypto::XOnlyPubkey key() { return crypto::SecretKey::generate().xonly_pubkey(); }

simdjson::dom::object parse(simdjson::dom::parser& p, const std::string& doc) {
    simdjson::dom::object obj;
    EXPECT_FALSE(p.parse(doc).get_object().get(obj)) << doc;
    return obj;
}

TEST(InfoDocument, KeepsTheUpstreamFieldsAndReplacesSelfAndAddresses) {
    auto self = key();
    std::string upstream =
        R"({"name":"strfry \"default\"","self":"00","wsn":["wsn://old"],"supported_nips":[1,11],)"
        R"("limitation":{"max_limit":500},"pubkey":"abc"})";
    std::vector<std::string> addrs = {"wsn://npub1x@127.0.0.1:7447", "wsns://npub1x@127.0.0.1:7448"};
    auto doc = gateway_info_document(upstream, self, addrs);
    simdjson::dom::parser p;
    auto obj = parse(p, doc);
    EXPECT_EQ(std::string_view(obj["name"]), "strfry \"default\"");
    EXPECT_EQ(std::string_view(obj["self"]), self.hex());
    EXPECT_EQ(std::string_view(obj["pubkey"]), "abc");  // the operator's key stays
    EXPECT_EQ(int64_t(obj["limitation"]["max_limit"]), 500);
    EXPECT_EQ(simdjson::dom::array(obj["supported_nips"]).size(), 2u);
    auto wsn = simdjson::dom::array(obj["wsn"]);
    ASSERT_EQ(wsn.size(), 2u);
    EXPECT_EQ(std::string_view(wsn.at(0)), addrs[0]);
    EXPECT_EQ(std::string_view(wsn.at(1)), addrs[1]);
    // each key once
    EXPECT_EQ(doc.find("\"self\""), doc.rfind("\"self\""));
    EXPECT_EQ(doc.find("\"wsn\""), doc.rfind("\"wsn\""));
}

TEST(InfoDocument, NoOrBadUpstreamDocumentGivesAMinimalOne) {
    auto self = key();
    for (std::string bad : {"", "not json", "[1,2]", "\"str\"", "{\"a\":"}) {
        auto doc = gateway_info_document(bad, self, {"wsn://a"});
        simdjson::dom::parser p;
        auto obj = parse(p, doc);
        EXPECT_EQ(std::string_view(obj["self"]), self.hex()) << bad;
        EXPECT_EQ(simdjson::dom::array(obj["wsn"]).size(), 1u);
        EXPECT_EQ(obj.size(), 2u) << bad;
    }
}

}  // namespace
}  // namespace wsn::proxy
