// Runs the built `wsn` binary: keygen, key show, uri parse, uri format.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct Result {
    int code;
    std::string out, err;
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "wsn-cli-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Runs wsn with args (no shell), capturing stdout and stderr in files.
    Result wsn(std::vector<std::string> args) const {
        fs::path out = dir_ / "stdout", err = dir_ / "stderr";
        pid_t pid = ::fork();
        if (pid == 0) {
            if (!::freopen(out.c_str(), "w", stdout) || !::freopen(err.c_str(), "w", stderr)) ::_exit(127);
            std::vector<char*> argv;
            std::string bin = WSN_BINARY_DIR "/wsn";
            argv.push_back(bin.data());
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(bin.c_str(), argv.data());
            ::_exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
    }
    std::string path(const char* name) const { return (dir_ / name).string(); }

    fs::path dir_;
};

const std::string kNpub = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
const std::string kHex = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";

TEST_F(Cli, KeygenWritesA0600FileAndPrintsTheNpub) {
    std::string key = path("relay.key");
    Result r = wsn({"keygen", key});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    ASSERT_EQ(r.out.size(), 64u);  // npub1 + 58 characters + newline
    EXPECT_TRUE(r.out.starts_with("npub1"));
    struct stat st;
    ASSERT_EQ(::stat(key.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::string secret = read_file(key);
    ASSERT_EQ(secret.size(), 65u);
    EXPECT_EQ(r.out.find(secret.substr(0, 64)), std::string::npos);

    // key show gives the same npub, and the hex; never the secret.
    Result s = wsn({"key", "show", key});
    ASSERT_EQ(s.code, 0) << s.err;
    EXPECT_TRUE(s.out.starts_with("npub: " + r.out));
    EXPECT_EQ(s.out.find(secret.substr(0, 64)), std::string::npos);
    EXPECT_EQ(s.err, "");

    // A second keygen to the same path is refused and leaves the file alone.
    Result again = wsn({"keygen", key});
    EXPECT_EQ(again.code, 1);
    EXPECT_EQ(again.out, "");
    EXPECT_EQ(again.err, "wsn: error: " + key + " already exists; refusing to overwrite a key file\n");
    EXPECT_EQ(read_file(key), secret);
}

TEST_F(Cli, KeyShowPrintsNpubAndHex) {
    // nips/19.md lines 59-60: this nsec's public key.
    std::string key = path("k");
    std::ofstream(key) << "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5\n";
    ::chmod(key.c_str(), 0600);
    Result r = wsn({"key", "show", key});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "npub: npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg\n"
                     "hex:  7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e\n");
    EXPECT_EQ(r.err, "");

    ::chmod(key.c_str(), 0644);
    Result w = wsn({"key", "show", key});
    ASSERT_EQ(w.code, 0);
    EXPECT_EQ(w.out, r.out);
    EXPECT_EQ(w.err, "wsn: warning: key file " + key + " is readable by group or others (mode 0644); consider: chmod 600 " +
                         key + "\n");
}

TEST_F(Cli, KeyShowErrorsNeverShowTheSecret) {
    std::string key = path("bad");
    std::string almost = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffx";
    std::ofstream(key) << almost << "\n";
    ::chmod(key.c_str(), 0600);
    Result r = wsn({"key", "show", key});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.find("67dea2ed"), std::string::npos);
    EXPECT_TRUE(r.err.starts_with("wsn: error: key file " + key + ": ")) << r.err;

    Result missing = wsn({"key", "show", path("nope")});
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(missing.err, "wsn: error: cannot open key file " + path("nope") + ": No such file or directory\n");
}

TEST_F(Cli, UriParsePrintsTheParts) {
    Result r = wsn({"uri", "parse", "wsns://" + kHex + "@[2001:DB8::1]:8443/nostr"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "{\n"
                     "  \"uri\": \"wsns://" + kNpub + "@[2001:db8::1]:8443/nostr\",\n"
                     "  \"scheme\": \"wsns\",\n"
                     "  \"tls\": true,\n"
                     "  \"key_only\": false,\n"
                     "  \"npub\": \"" + kNpub + "\",\n"
                     "  \"pubkey\": \"" + kHex + "\",\n"
                     "  \"host\": \"2001:db8::1\",\n"
                     "  \"host_kind\": \"ipv6\",\n"
                     "  \"port\": 8443,\n"
                     "  \"path\": \"/nostr\"\n"
                     "}\n");

    Result ws = wsn({"uri", "parse", "ws://127.0.0.1:7777"});
    ASSERT_EQ(ws.code, 0) << ws.err;
    EXPECT_NE(ws.out.find("\"npub\": null"), std::string::npos);
    EXPECT_NE(ws.out.find("\"host_kind\": \"ipv4\""), std::string::npos);

    Result ko = wsn({"uri", "parse", "wsn://" + kHex});
    ASSERT_EQ(ko.code, 0) << ko.err;
    EXPECT_EQ(ko.out, "{\n"
                      "  \"uri\": \"wsn://" + kNpub + "\",\n"
                      "  \"scheme\": \"wsn\",\n"
                      "  \"tls\": false,\n"
                      "  \"key_only\": true,\n"
                      "  \"npub\": \"" + kNpub + "\",\n"
                      "  \"pubkey\": \"" + kHex + "\",\n"
                      "  \"host\": null,\n"
                      "  \"host_kind\": null,\n"
                      "  \"port\": null,\n"
                      "  \"path\": \"/\"\n"
                      "}\n");
}

TEST_F(Cli, UriParseErrorsNameThePart) {
    struct {
        std::string uri, err;
    } cases[] = {
        {"wsn://" + kNpub + "@host:70000", "port 70000 out of range"},
        {"wsn://" + kNpub.substr(0, 62) + "7@host", "bad checksum in npub"},
        {"wsn://" + kNpub + "@2001:db8::1", "IPv6 address needs brackets"},
        {"wsn://host", "missing '@' (expected wsn://KEY@HOST, or wsn://KEY alone)"},
        {"http://host", "unknown scheme 'http' (expected ws://, wss://, wsn:// or wsns://)"},
    };
    for (const auto& c : cases) {
        Result r = wsn({"uri", "parse", c.uri});
        EXPECT_EQ(r.code, 1) << c.uri;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err, "wsn: error: " + c.err + "\n");
    }
}

TEST_F(Cli, UriFormat) {
    Result r = wsn({"uri", "format", "--key", kHex, "--host", "203.0.113.5", "--port", "8443"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "wsn://" + kNpub + "@203.0.113.5:8443\n");

    r = wsn({"uri", "format", "--key", kNpub, "--host", "Relay.Example.com", "--tls", "--port", "443"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "wsns://" + kNpub + "@relay.example.com\n");

    r = wsn({"uri", "format", "--key", kNpub, "--host", "2001:db8:0::1", "--path", "/nostr"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "wsn://" + kNpub + "@[2001:db8::1]/nostr\n");

    r = wsn({"uri", "format", "--key", kNpub, "--host", "h", "--port", "0"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "wsn: error: port 0 out of range\n");

    r = wsn({"uri", "format", "--key", kHex});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "wsn://" + kNpub + "\n");

    r = wsn({"uri", "format", "--key", kHex, "--port", "8443"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "wsn: error: --port needs --host (a key-only address has no port)\n");

    r = wsn({"uri", "format", "--host", "h"});
    EXPECT_EQ(r.code, 2);  // a missing required flag is a usage error
    EXPECT_NE(r.err.find("--key"), std::string::npos);
}

TEST_F(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(wsn({}).code, 2);
    EXPECT_EQ(wsn({"no-such-command"}).code, 2);
    EXPECT_EQ(wsn({"key"}).code, 2);
    EXPECT_EQ(wsn({"--help"}).code, 0);
}

}  // namespace
