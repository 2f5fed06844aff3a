// The landing page's parts: the QR code SVG, escaping of what the operator configured, the
// plain URLs next to the wsn ones, the live figures' JSON and the events-per-second rate.
// tests/e2e/relay_landing_page.test.mjs renders it in Chromium and decodes the QR codes.
#include <gtest/gtest.h>

#include <simdjson.h>

#include "relay/landing_page.hpp"
#include "nostr/nip19.hpp"
#include "relay/qr_svg.hpp"
#include "util/hex.hpp"

using namespace wsn;
using namespace wsn::relay;

namespace {

const std::string kNpubHex = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";

crypto::XOnlyPubkey self_key() {
    crypto::XOnlyPubkey k;
    k.bytes = *from_hex_fixed<32>(kNpubHex);
    return k;
}

}  // namespace

TEST(QrSvg, OneSquareSvgWithAQuietZoneAndDarkModules) {
    auto svg = qr_svg("wsn://npub1example@203.0.113.5:8443", "QR code");
    ASSERT_TRUE(svg.ok());
    EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
    EXPECT_NE(svg->find("aria-label=\"QR code\""), std::string::npos);
    // The top-left finder pattern starts at the quiet zone's inner corner with a run of 7.
    EXPECT_NE(svg->find("M4 4h7v1h-7z"), std::string::npos);
    EXPECT_TRUE(svg->ends_with("\"/></svg>"));
}

TEST(QrSvg, TextTooLongForAQrCodeIsAnError) {
    EXPECT_FALSE(qr_svg(std::string(5000, 'x'), "x").ok());
}

TEST(LandingPage, WhatTheOperatorConfiguredIsEscaped) {
    Config cfg;
    cfg.name = "<script>alert(1)</script>";
    cfg.description = "a \"quoted\" & 'apostrophe'";
    cfg.contact = "mailto:op@example.com";
    std::string html = landing_page_html(cfg, self_key(), {}, "1.0", {});
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("a &quot;quoted&quot; &amp; &#39;apostrophe&#39;"), std::string::npos);
    EXPECT_NE(html.find("mailto:op@example.com"), std::string::npos);
}

TEST(LandingPage, EachAddressWithItsQrCodeAndCopyButtonAndTheFiguresOfNow) {
    Config cfg;
    const std::string a = "wsn://" + nostr::encode_npub(self_key()) + "@127.0.0.1:7447";
    LiveFigures now;
    now.connections[2] = 3;
    now.events_stored = 12345;
    std::string html = landing_page_html(cfg, self_key(), {a}, "1.0", now);
    EXPECT_NE(html.find("aria-label=\"QR code of " + a + "\""), std::string::npos);
    EXPECT_NE(html.find("data-copy=\"" + a + "\""), std::string::npos);
    EXPECT_NE(html.find("<b id=\"conn-wsn\">3</b>"), std::string::npos);
    EXPECT_NE(html.find("<b id=\"events-stored\">12345</b>"), std::string::npos);
    EXPECT_NE(html.find("ws://127.0.0.1:7447"), std::string::npos);  // allow_plaintext: the ws URL too
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);           // nothing loaded from elsewhere
}

TEST(LandingPage, PlainUrlsHaveTheSameHostAndPortWithoutRepeats) {
    const std::string npub = nostr::encode_npub(self_key());
    auto urls = plain_urls({"wsn://" + npub + "@127.0.0.1:7447", "wsns://" + npub + "@[::1]:7448",
                            "wsn://" + npub + "@127.0.0.1:7447", "not an address"});
    EXPECT_EQ(urls, (std::vector<std::string>{"ws://127.0.0.1:7447", "wss://[::1]:7448"}));
}

TEST(LandingPage, BrowsersGetThePageAndNostrClientsNip11) {
    EXPECT_TRUE(wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
    EXPECT_FALSE(wants_html("application/nostr+json"));
    EXPECT_FALSE(wants_html("application/nostr+json, text/html"));
    EXPECT_FALSE(wants_html(""));
    EXPECT_FALSE(wants_html("*/*"));  // curl: not a browser
}

TEST(LiveFigures, JsonParsesBack) {
    LiveFigures f;
    f.connections[0] = 1;
    f.connections[1] = 2;
    f.connections[2] = 3;
    f.connections[3] = 4;
    f.events_stored = 99;
    f.events_per_second = 2.5;
    simdjson::dom::parser p;
    auto doc = p.parse(live_figures_json(f));
    ASSERT_FALSE(doc.error());
    EXPECT_EQ(uint64_t(doc["connections"]["ws"]), 1u);
    EXPECT_EQ(uint64_t(doc["connections"]["wsns"]), 4u);
    EXPECT_EQ(uint64_t(doc["events_stored"]), 99u);
    EXPECT_DOUBLE_EQ(double(doc["events_per_second"]), 2.5);
}

TEST(EventRate, RateOverTheLastMinute) {
    EventRate r;
    EXPECT_EQ(r.sample(1000, 0), 0);  // one sample: no rate yet
    EXPECT_DOUBLE_EQ(r.sample(1010, 100), 10);
    EXPECT_DOUBLE_EQ(r.sample(1020, 300), 15);
    // Long after: the samples before the window no longer count.
    for (int t = 1100; t <= 1200; t += 5) r.sample(t, 300);
    EXPECT_DOUBLE_EQ(r.sample(1205, 300), 0);
    EXPECT_NEAR(r.sample(1215, 600), 300.0 / 60, 1.0);
}
