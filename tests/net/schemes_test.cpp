// Each scheme end to end on loopback, IPv4 and IPv6: a NIP-01 text each way, the
// session info the application sees, and plain HTTP on the same port.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include "net/net_support.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/client.hpp"

namespace wsn::test {
namespace {

using net::BlockingClient;
using net::ClientOptions;

std::string host_in_url(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

std::string url_for(Scheme s, const std::string& host, uint16_t port, const crypto::XOnlyPubkey& key) {
    std::string k = nostr::encode_npub(key) + "@";
    switch (s) {
        case Scheme::ws: return "ws://" + host_in_url(host) + ":" + std::to_string(port) + "/";
        case Scheme::wss: return "wss://" + host_in_url(host) + ":" + std::to_string(port) + "/";
        case Scheme::wsn: return "wsn://" + k + host_in_url(host) + ":" + std::to_string(port) + "/";
        case Scheme::wsns: return "wsns://" + k + host_in_url(host) + ":" + std::to_string(port) + "/";
    }
    return {};
}

void round_trip(const std::string& host) {
    auto relay_key = crypto::SecretKey::generate();
    TestServer ts(local_options(relay_key, host));
    for (Scheme s : {Scheme::ws, Scheme::wss, Scheme::wsn, Scheme::wsns}) {
        SCOPED_TRACE(std::string(scheme_name(s)) + " on " + host);
        bool tls = s == Scheme::wss || s == Scheme::wsns;
        ClientOptions opts;
        opts.tls_ca_file = test_cert().cert;  // wss verifies against the test certificate
        auto user = crypto::SecretKey::generate();
        opts.key = user;
        auto c = BlockingClient::connect(url_for(s, host, ts.port(tls ? 1 : 0), relay_key.xonly_pubkey()), opts);
        ASSERT_TRUE(c) << c.error().message;
        const std::string req = R"(["REQ","sub1",{"kinds":[1],"limit":5}])";
        ASSERT_TRUE(c->send(req));
        auto got = c->receive(20s);
        ASSERT_TRUE(got) << got.error().message;
        ASSERT_TRUE(got->has_value()) << "no answer within the timeout";
        EXPECT_EQ(**got, "ECHO:" + req);

        auto opened = ts.opened();
        ASSERT_FALSE(opened.empty());
        const auto& info = opened.back();
        EXPECT_EQ(info.scheme, s);
        EXPECT_EQ(info.path, "/");
        EXPECT_EQ(info.remote.host, host);
        EXPECT_NE(info.remote.port, 0);
        if (s == Scheme::wsn || s == Scheme::wsns) {
            ASSERT_TRUE(info.client_key.has_value());
            EXPECT_EQ(*info.client_key, user.xonly_pubkey());
        } else {
            EXPECT_FALSE(info.client_key.has_value());
        }
        EXPECT_EQ(ts.messages().back().text, req);
        c->close();
    }
    EXPECT_TRUE(wait_for([&] { return ts.closed().size() == 4; }));
}

TEST(NetSchemes, AllFourOverIPv4) { round_trip("127.0.0.1"); }

// A burst sent at once is written in batches (write coalescing): every text, whole or with
// a shared body (fan-out), and one larger than a batch, arrives intact and in order.
TEST(NetSchemes, ABurstOfWholeAndSharedTextsArrivesIntactAndInOrder) {
    auto relay_key = crypto::SecretKey::generate();
    TestServer ts(local_options(relay_key, "127.0.0.1"), false);
    auto body = std::make_shared<const std::string>(R"({"id":"x","content":")" + std::string(1200, 'b') + R"("})");
    for (Scheme s : {Scheme::ws, Scheme::wss, Scheme::wsn, Scheme::wsns}) {
        SCOPED_TRACE(std::string(scheme_name(s)));
        bool tls = s == Scheme::wss || s == Scheme::wsns;
        ClientOptions opts;
        opts.tls_ca_file = test_cert().cert;
        auto c = BlockingClient::connect(url_for(s, "127.0.0.1", ts.port(tls ? 1 : 0), relay_key.xonly_pubkey()), opts);
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send("[\"REQ\",\"a\",{}]"));  // a wsn client's act three goes with its first message
        ASSERT_TRUE(wait_for([&] { return ts.messages().size() == size_t(s) + 1; }));
        const uint64_t id = ts.messages().back().session;
        std::vector<std::string> want;
        for (int i = 0; i < 300; ++i) {
            if (i == 150) {
                want.push_back("[\"NOTICE\",\"" + std::string(300 * 1024, 'n') + "\"]");  // more than one batch
                ts.server().send(id, want.back());
            } else if (i % 2) {
                net::SharedText t{"[\"EVENT\",\"s" + std::to_string(i) + "\",", body, *body, "]"};
                want.push_back(t.head + *body + "]");
                ts.server().send(id, std::move(t));
            } else {
                want.push_back("[\"EOSE\",\"s" + std::to_string(i) + "\"]");
                ts.server().send(id, want.back());
            }
        }
        for (size_t i = 0; i < want.size(); ++i) {
            auto got = c->receive(20s);
            ASSERT_TRUE(got) << got.error().message;
            ASSERT_TRUE(got->has_value()) << "message " << i << " did not come";
            ASSERT_EQ(**got, want[i]) << "message " << i;
        }
        c->close();
    }
}

TEST(NetSchemes, AllFourOverIPv6) {
    if (!ipv6_loopback_available()) GTEST_SKIP() << "::1 is not available here";
    round_trip("::1");
}

TEST(NetSchemes, FreshClientKeyPerConnectionByDefault) {
    auto relay_key = crypto::SecretKey::generate();
    TestServer ts(local_options(relay_key));
    std::string url = "wsn://" + nostr::encode_npub(relay_key.xonly_pubkey()) + "@127.0.0.1:" +
                      std::to_string(ts.port());
    for (int i = 0; i < 2; ++i) {
        auto c = BlockingClient::connect(url);
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send("[\"REQ\",\"a\",{}]"));
        ASSERT_TRUE(c->receive(20s));
    }
    auto opened = ts.opened();
    ASSERT_EQ(opened.size(), 2u);
    EXPECT_NE(*opened[0].client_key, *opened[1].client_key);
}

TEST(NetSchemes, WssVerifiesTheCertificateUnlessTurnedOff) {
    auto relay_key = crypto::SecretKey::generate();
    TestServer ts(local_options(relay_key));
    std::string url = "wss://127.0.0.1:" + std::to_string(ts.port(1));
    auto strict = BlockingClient::connect(url);  // the self-signed certificate is not trusted
    ASSERT_FALSE(strict);
    EXPECT_NE(strict.error().message.find("TLS handshake with 127.0.0.1:"), std::string::npos)
        << strict.error().message;
    // The client's refusal fails the server's side of the handshake too, and it is counted.
    ASSERT_TRUE(wait_for([&] { return ts.server().stats().tls_handshake_failures == 1; }));
    ClientOptions lax;
    lax.verify_tls = false;
    auto c = BlockingClient::connect(url, lax);
    ASSERT_TRUE(c) << c.error().message;
    // wsns never checks the certificate: the key is the identity.
    auto n = BlockingClient::connect(
        "wsns://" + nostr::encode_npub(relay_key.xonly_pubkey()) + "@127.0.0.1:" + std::to_string(ts.port(1)));
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(ts.server().stats().tls_handshake_failures, 1u);  // the two that succeeded are not
}

TEST(NetSchemes, PlaintextRefusedWhenNotAllowed) {
    auto relay_key = crypto::SecretKey::generate();
    auto opts = local_options(relay_key);
    opts.allow_plaintext = false;
    TestServer ts(std::move(opts));
    RawWs raw(ts.port(), false);
    EXPECT_FALSE(raw.receive());
    EXPECT_EQ(raw.close_code(), 1008);
    EXPECT_EQ(raw.close_reason(), "this relay only speaks wsn (offer subprotocol wsn.v1)");
    EXPECT_TRUE(ts.opened().empty());
    // wsn still works on the same port.
    auto c = BlockingClient::connect("wsn://" + nostr::encode_npub(relay_key.xonly_pubkey()) + "@127.0.0.1:" +
                                     std::to_string(ts.port()));
    ASSERT_TRUE(c) << c.error().message;
}

TEST(NetSchemes, ClientErrorsAUserUnderstands) {
    auto relay_key = crypto::SecretKey::generate();
    const std::string npub = nostr::encode_npub(relay_key.xonly_pubkey());
    {
        auto c = BlockingClient::connect("wsn://" + npub + "@127.0.0.1:" + std::to_string(free_port()));
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().message.rfind("connection refused by 127.0.0.1:", 0), 0u) << c.error().message;
    }
    {
        auto c = BlockingClient::connect("wsn://" + npub + "@no-such-host.invalid:80");
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().message.rfind("name resolution failed for no-such-host.invalid", 0), 0u)
            << c.error().message;
    }
    {
        // A server that does not select wsn.v1: the proxy strips the header from its answer.
        TestServer ts(local_options(relay_key));
        RecordingProxy proxy("127.0.0.1", ts.port(), [](bool upstream, const std::string&, std::string& chunk) {
            if (upstream) return;
            auto at = chunk.find("Sec-WebSocket-Protocol: wsn.v1\r\n");
            if (at != std::string::npos) chunk.erase(at, 32);
        });
        auto c = BlockingClient::connect("wsn://" + npub + "@127.0.0.1:" + std::to_string(proxy.port()));
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().message, "server does not speak wsn (it did not select wsn.v1)");
        // Nothing but the upgrade request went out.
        EXPECT_TRUE(parse_client_frames(proxy.client_to_server()).empty());
    }
}

// A peer that takes the TCP connection (the kernel's backlog does) and then says nothing:
// each phase's deadline ends the attempt with an error that names the phase.
TEST(NetSchemes, SilentPeersTimeOutWithAnErrorThatSaysWhere) {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::address_v4::loopback(), 0});  // never accepts
    const std::string port = std::to_string(silent.local_endpoint().port());
    const std::string npub = nostr::encode_npub(crypto::SecretKey::generate().xonly_pubkey());
    ClientOptions o;
    o.connect_timeout = o.handshake_timeout = 300ms;
    {
        auto t0 = std::chrono::steady_clock::now();
        auto c = BlockingClient::connect("wsn://" + npub + "@127.0.0.1:" + port, o);
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().message, "timed out in the handshake with 127.0.0.1:" + port);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    }
    {
        // As a SOCKS5 proxy that never answers its greeting.
        o.socks5_proxy = "127.0.0.1:" + port;
        auto t0 = std::chrono::steady_clock::now();
        auto c = BlockingClient::connect("wsn://" + npub + "@relay.invalid:7447", o);
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().message, "timed out connecting to relay.invalid:7447 through SOCKS5 proxy 127.0.0.1:" + port);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    }
}

TEST(NetSchemes, HttpOnTheSamePort) {
    auto relay_key = crypto::SecretKey::generate();
    TestServer ts(local_options(relay_key));
    auto info = http_get(ts.port(), "/", "application/nostr+json");
    EXPECT_NE(info.find("HTTP/1.1 200"), std::string::npos) << info;
    EXPECT_NE(info.find("application/nostr+json"), std::string::npos);
    EXPECT_NE(info.find(R"({"name":"test relay"})"), std::string::npos);
    auto metrics = http_get(ts.port(), "/metrics", "*/*");
    EXPECT_NE(metrics.find("wsn_sessions 0"), std::string::npos) << metrics;
    auto other = http_get(ts.port(), "/", "text/html");
    EXPECT_NE(other.find("HTTP/1.1 404"), std::string::npos) << other;
    EXPECT_TRUE(ts.opened().empty());
}

}  // namespace
}  // namespace wsn::test
