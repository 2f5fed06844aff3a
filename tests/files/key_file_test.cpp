// Key files: created 0600 without overwriting, read back as hex or nsec, permissions checked.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "files/key_file.hpp"
#include "nostr/nip19.hpp"

namespace wsn::files {
namespace {

namespace fs = std::filesystem;

class KeyFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "wsn-keyfile-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const char* name) const { return (dir_ / name).string(); }
    std::string write_text(const char* name, const std::string& text, mode_t mode = 0600) const {
        std::string p = path(name);
        std::ofstream(p, std::ios::binary) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }

    fs::path dir_;
};

const char* kSecretHex = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa";
const char* kNsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
const char* kNpub = "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";

TEST_F(KeyFileTest, WriteThenReadBack) {
    auto key = crypto::SecretKey::generate();
    std::string p = path("relay.key");
    ASSERT_TRUE(write_key_file(p, key).ok());
    struct stat st;
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    std::ifstream in(p);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content, key.secret_hex() + "\n");
    auto back = read_key_file(p);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->key.xonly_pubkey(), key.xonly_pubkey());
    EXPECT_EQ(back->warning, "");
}

TEST_F(KeyFileTest, RefusesToOverwrite) {
    std::string p = write_text("existing", "keep me");
    auto s = write_key_file(p, crypto::SecretKey::generate());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, p + " already exists; refusing to overwrite a key file");
    std::ifstream in(p);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(content, "keep me");
}

TEST_F(KeyFileTest, RefusesToFollowASymlink) {
    std::string target = path("target");
    fs::create_symlink(target, path("link"));
    EXPECT_FALSE(write_key_file(path("link"), crypto::SecretKey::generate()).ok());
    EXPECT_FALSE(fs::exists(target));
}

TEST_F(KeyFileTest, ReadsHexOfEitherCaseAndNsecWithLineEndings) {
    std::string upper = kSecretHex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (std::string text : {std::string(kSecretHex), std::string(kSecretHex) + "\n", upper + "\r\n",
                             std::string(kNsec) + "\n"}) {
        auto k = read_key_file(write_text("k", text));
        ASSERT_TRUE(k.ok()) << k.error().message;
        EXPECT_EQ(nostr::encode_npub(k->key.xonly_pubkey()), kNpub);
        fs::remove(path("k"));
    }
}

TEST_F(KeyFileTest, PermissionsAreChecked) {
    std::string p = write_text("shared", kSecretHex, 0644);
    auto k = read_key_file(p);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->warning, "key file " + p + " is readable by group or others (mode 0644); consider: chmod 600 " + p);
    p = write_text("writable", kSecretHex, 0620);
    auto w = read_key_file(p);
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.error().message,
              "key file " + p + " is writable by group or others (mode 0620); fix with: chmod 600 " + p);
}

TEST_F(KeyFileTest, BadContentIsRefusedWithoutQuotingIt) {
    std::string almost = std::string(kSecretHex).substr(0, 63);
    struct Case {
        std::string text;
        std::string error;
    } cases[] = {
        {almost, "expected 64 hex characters or an nsec"},
        {almost + "g", "not a valid secret key (64 hex characters, nonzero, below the group order)"},
        {std::string(64, '0'), "not a valid secret key (64 hex characters, nonzero, below the group order)"},
        {std::string(kSecretHex) + "\n" + kSecretHex, "key file must hold a single line"},
        {std::string(kNsec).substr(0, 60) + "qqq", "bad checksum in nsec"},
        {"", "expected 64 hex characters or an nsec"},
    };
    for (const auto& c : cases) {
        std::string p = write_text("bad", c.text);
        auto k = read_key_file(p);
        ASSERT_FALSE(k.ok()) << c.text;
        EXPECT_EQ(k.error().message, "key file " + p + ": " + c.error);
        EXPECT_EQ(k.error().message.find(almost.substr(0, 16)), std::string::npos);
        fs::remove(p);
    }
}

TEST_F(KeyFileTest, OtherFailures) {
    EXPECT_EQ(read_key_file(path("missing")).error().message,
              "cannot open key file " + path("missing") + ": No such file or directory");
    EXPECT_EQ(read_key_file(dir_.string()).error().message, "key file " + dir_.string() + " is not a regular file");
    std::string big = write_text("big", std::string(300, 'a'));
    EXPECT_EQ(read_key_file(big).error().message, "key file " + big + " is too large to be a key file (300 bytes)");
}

}  // namespace
}  // namespace wsn::files
