// Private kinds: who may see a DM, and the COUNT filter algebra that keeps counts exact
// without reading the events.
#include <gtest/gtest.h>

#include "nostr/event.hpp"
#include "relay/private_kinds.hpp"
#include "relay/test_keys.hpp"

namespace wsn::relay {
namespace {

using test::key;

struct PrivateKindsTest : ::testing::Test {
    crypto::SecretKey alice = key(1), bob = key(2), eve = key(3);
    crypto::XOnlyPubkey A = alice.xonly_pubkey(), B = bob.xonly_pubkey(), E = eve.xonly_pubkey();
    PrivateKinds pk{{1059, 4, 4}};
    nostr::Event dm = nostr::make_signed(alice, 1000, 4, {{"p", B.hex()}}, "ciphertext");
    nostr::Event note = nostr::make_signed(alice, 1000, 1, {}, "hello");
    Readers readers(std::initializer_list<crypto::XOnlyPubkey> l) {
        Readers r(l);
        std::sort(r.begin(), r.end());
        return r;
    }
};

TEST_F(PrivateKindsTest, OnlyAuthorAndRecipientSeeIt) {
    EXPECT_TRUE(pk.visible(dm, readers({A})));
    EXPECT_TRUE(pk.visible(dm, readers({B})));
    EXPECT_TRUE(pk.visible(dm, readers({E, B})));
    EXPECT_FALSE(pk.visible(dm, readers({E})));
    EXPECT_FALSE(pk.visible(dm, {}));
    EXPECT_TRUE(pk.visible(note, {}));
    // the same from the stored form
    std::string j = nostr::to_json(dm);
    EXPECT_TRUE(pk.visible_json(j, readers({B})));
    EXPECT_FALSE(pk.visible_json(j, readers({E})));
    EXPECT_FALSE(pk.visible_json(j, {}));
    EXPECT_TRUE(pk.visible_json(nostr::to_json(note), {}));
    // content that spells a kind does not fool the reader of the kind
    auto tricky = nostr::make_signed(alice, 1000, 1059, {}, ",\"kind\":1,");
    EXPECT_FALSE(pk.visible_json(nostr::to_json(tricky), {}));
    EXPECT_TRUE(PrivateKinds{}.visible_json(nostr::to_json(dm), {}));  // none configured
}

TEST_F(PrivateKindsTest, OnlyPrivateRequests) {
    nostr::Filter dms;
    dms.kinds = std::vector<uint16_t>{4};
    nostr::Filter both;
    both.kinds = std::vector<uint16_t>{1, 4};
    EXPECT_TRUE(pk.only_private(std::vector{dms}));
    EXPECT_FALSE(pk.only_private(std::vector{both}));
    EXPECT_FALSE(pk.only_private(std::vector{dms, nostr::Filter{}}));  // {} asks for everything
    EXPECT_FALSE(PrivateKinds{}.only_private(std::vector{dms}));
}

TEST_F(PrivateKindsTest, CountParts) {
    nostr::Filter all;
    nostr::Filter notes;
    notes.kinds = std::vector<uint16_t>{1, 7};
    auto priv = pk.private_part(std::vector{all, notes});
    ASSERT_EQ(priv.size(), 1u);  // notes has no private kind
    EXPECT_EQ(*priv[0].kinds, (std::vector<uint16_t>{4, 1059}));

    auto vis = pk.visible_part(std::vector{all}, readers({B}));
    ASSERT_EQ(vis.size(), 2u);
    EXPECT_EQ(*vis[0].authors, std::vector<crypto::XOnlyPubkey>{B});
    ASSERT_NE(vis[1].tag('p'), nullptr);
    EXPECT_EQ(vis[1].tag('p')->values, std::vector<std::string>{B.hex()});
    EXPECT_TRUE(nostr::matches_any(vis, dm));  // Bob's DM is counted for Bob
    EXPECT_FALSE(nostr::matches_any(pk.visible_part(std::vector{all}, readers({E})), dm));
    EXPECT_TRUE(pk.visible_part(std::vector{all}, {}).empty());

    // a filter's own authors and #p are narrowed, not widened
    nostr::Filter to_eve = all;
    to_eve.tags.push_back(nostr::TagFilter{'p', {E.hex()}});
    EXPECT_FALSE(nostr::matches_any(pk.visible_part(std::vector{to_eve}, readers({B})), dm));
    nostr::Filter by_eve = all;
    by_eve.authors = std::vector<crypto::XOnlyPubkey>{E};
    auto v = pk.visible_part(std::vector{by_eve}, readers({B}));
    EXPECT_FALSE(nostr::matches_any(v, dm));
}

}  // namespace
}  // namespace wsn::relay
