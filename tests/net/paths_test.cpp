// wsn across real middleboxes: Debian's nginx as a WebSocket reverse proxy and
// Debian's microsocks as a SOCKS5 proxy, both started by the test on loopback.
#include <gtest/gtest.h>

#include <fstream>

#include "net/net_support.hpp"
#include "nostr/nip19.hpp"
#include "wsn/net/client.hpp"

namespace wsn::test {
namespace {

using net::BlockingClient;
using net::ClientOptions;

bool have(const char* program) {
    return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0;
}

std::string npub_at(const crypto::SecretKey& relay, const std::string& hostport) {
    return "wsn://" + nostr::encode_npub(relay.xonly_pubkey()) + "@" + hostport;
}

// nginx in the foreground, proxying WebSocket upgrades on `port` to the upstream port.
std::unique_ptr<Child> start_nginx(const TempDir& dir, uint16_t port, uint16_t upstream) {
    const std::string d = dir.path;
    std::ofstream(d + "/nginx.conf") << "worker_processes 1;\nmaster_process off;\npid " << d << "/nginx.pid;\n"
                                     << "error_log " << d << "/error.log;\nevents { worker_connections 64; }\n"
                                     << "http {\n  access_log off;\n"
                                     << "  client_body_temp_path " << d << "/body;\n"
                                     << "  proxy_temp_path " << d << "/proxy;\n"
                                     << "  server {\n    listen 127.0.0.1:" << port << ";\n"
                                     << "    location / {\n      proxy_pass http://127.0.0.1:" << upstream << ";\n"
                                     << "      proxy_http_version 1.1;\n"
                                     << "      proxy_set_header Upgrade $http_upgrade;\n"
                                     << "      proxy_set_header Connection \"upgrade\";\n"
                                     << "      proxy_read_timeout 60s;\n    }\n  }\n}\n";
    return std::make_unique<Child>(std::vector<std::string>{"nginx", "-p", d, "-e", d + "/error.log", "-c",
                                                            d + "/nginx.conf", "-g", "daemon off;"});
}

TEST(NetPaths, ThroughNginxWhatPassesIsCiphertext) {
    if (!have("nginx")) GTEST_SKIP() << "nginx is not installed (scripts/deps.sh installs nginx-light)";
    auto relay = crypto::SecretKey::generate();
    TestServer ts(local_options(relay));
    TempDir dir;
    const uint16_t nginx_port = free_port();
    auto nginx = start_nginx(dir, nginx_port, ts.port());
    ASSERT_TRUE(wait_port("127.0.0.1", nginx_port)) << "nginx did not start; see " << dir.path << "/error.log";
    // The recording proxy sits in front of nginx and sees all the client exchanges with it.
    RecordingProxy rec("127.0.0.1", nginx_port);
    const std::string secret = R"(["EVENT",{"content":"known plaintext 8d1f0c"}])";
    {
        auto c = BlockingClient::connect(npub_at(relay, "127.0.0.1:" + std::to_string(rec.port())));
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send(secret));
        auto r = c->receive(20s);
        ASSERT_TRUE(r && r->has_value());
        EXPECT_EQ(**r, "ECHO:" + secret);
    }
    EXPECT_EQ(ts.messages().back().text, secret);
    EXPECT_NE(ts.opened().back().scheme, Scheme::ws);
    const std::string up = rec.client_to_server(), down = rec.server_to_client();
    EXPECT_NE(up.find("wsn.v1"), std::string::npos);
    EXPECT_EQ(up.find("known plaintext"), std::string::npos);
    EXPECT_EQ(down.find("known plaintext"), std::string::npos);
    // The same through plain ws would show it: the check above can fail.
    {
        auto c = BlockingClient::connect("ws://127.0.0.1:" + std::to_string(rec.port()));
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send(secret));
        ASSERT_TRUE(c->receive(20s));
    }
    EXPECT_NE(rec.server_to_client().find("known plaintext"), std::string::npos);
}

TEST(NetPaths, ThroughSocks5ByIpAndByANameOnlyTheProxyKnows) {
    if (!have("microsocks")) GTEST_SKIP() << "microsocks is not installed (scripts/deps.sh installs it)";
    if (!have("unshare")) GTEST_SKIP() << "unshare (util-linux) is not installed";
    auto relay = crypto::SecretKey::generate();
    TestServer ts(local_options(relay));
    TempDir dir;
    // The proxy runs in its own mount namespace where /etc/hosts maps the name; this
    // process cannot resolve it, as with a .onion name that only Tor knows.
    const std::string name = "hidden-relay-7f3a.test";
    std::ofstream(dir.path + "/hosts") << "127.0.0.1 localhost\n127.0.0.1 " << name << "\n";
    const uint16_t socks_port = free_port();
    Child socks({"unshare", "-m", "sh", "-c",
                 "mount --bind " + dir.path + "/hosts /etc/hosts && exec microsocks -i 127.0.0.1 -p " +
                     std::to_string(socks_port)});
    if (!wait_port("127.0.0.1", socks_port, 10s))
        GTEST_SKIP() << "could not start microsocks in a private mount namespace (needs root)";
    ClientOptions opts;
    opts.socks5_proxy = "127.0.0.1:" + std::to_string(socks_port);
    const std::string port = std::to_string(ts.port());
    for (const std::string& host : {std::string("127.0.0.1"), name}) {
        SCOPED_TRACE(host);
        auto c = BlockingClient::connect(npub_at(relay, host + ":" + port), opts);
        ASSERT_TRUE(c) << c.error().message;
        ASSERT_TRUE(c->send(R"(["REQ","via-socks",{}])"));
        auto r = c->receive(20s);
        ASSERT_TRUE(r && r->has_value());
        EXPECT_EQ(**r, R"(ECHO:["REQ","via-socks",{}])");
        EXPECT_TRUE(ts.opened().back().client_key.has_value());
    }
    // Without the proxy the name does not resolve here.
    auto direct = BlockingClient::connect(npub_at(relay, name + ":" + port));
    ASSERT_FALSE(direct);
    EXPECT_EQ(direct.error().message.rfind("name resolution failed for " + name, 0), 0u)
        << direct.error().message;
    // A name the proxy cannot resolve either: the error names the proxy and the target.
    auto nowhere = BlockingClient::connect(npub_at(relay, "nowhere-else.invalid:" + port), opts);
    ASSERT_FALSE(nowhere);
    EXPECT_NE(nowhere.error().message.find("SOCKS5 proxy 127.0.0.1:" + std::to_string(socks_port)),
              std::string::npos)
        << nowhere.error().message;
}

}  // namespace
}  // namespace wsn::test
