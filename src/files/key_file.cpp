#include "files/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdio>

#include "crypto/secret.hpp"
#include "files/fd.hpp"
#include "nostr/nip19.hpp"

namespace wsn::files {
namespace {

// Long enough for an nsec line with some trailing whitespace; a key file is never larger.
constexpr size_t kMaxKeyFileSize = 256;

std::string sys_error(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

}  // namespace

Status write_key_file(const std::string& path, const crypto::SecretKey& key) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        if (errno == EEXIST) return err(path + " already exists; refusing to overwrite a key file");
        return err(sys_error("cannot create", path));
    }
    std::string line = key.secret_hex() + "\n";
    // fchmod: the umask may only have narrowed 0600, but say it exactly.
    bool ok = ::fchmod(fd.get(), 0600) == 0 && write_all(fd.get(), line) && ::fsync(fd.get()) == 0;
    crypto::wipe(line.data(), line.size());
    ok = fd.close() && ok;
    if (!ok) {
        auto e = sys_error("cannot write", path);
        ::unlink(path.c_str());
        return err(e);
    }
    sync_parent_dir(path);
    return Ok{};
}

Result<KeyFile> read_key_file(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) return err(sys_error("cannot open key file", path));
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return err(sys_error("cannot stat key file", path));
    if (!S_ISREG(st.st_mode)) return err("key file " + path + " is not a regular file");
    if (st.st_mode & 022)
        return err("key file " + path + " is writable by group or others (mode " + mode_text(st.st_mode) +
                   "); fix with: chmod 600 " + path);
    if (st.st_size > static_cast<off_t>(kMaxKeyFileSize))
        return err("key file " + path + " is too large to be a key file (" + std::to_string(st.st_size) + " bytes)");

    std::array<char, kMaxKeyFileSize + 1> buf;
    size_t len = 0;
    while (len < buf.size()) {
        ssize_t n = ::read(fd.get(), buf.data() + len, buf.size() - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            crypto::wipe(buf.data(), buf.size());
            return err(sys_error("cannot read key file", path));
        }
        if (n == 0) break;
        len += static_cast<size_t>(n);
    }
    std::string_view text(buf.data(), len);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);

    Result<crypto::SecretKey> key = len > kMaxKeyFileSize
                                        ? Result<crypto::SecretKey>(err("key file is too large to be a key file"))
                                    : text.find('\n') != std::string_view::npos
                                        ? Result<crypto::SecretKey>(err("key file must hold a single line"))
                                        : nostr::parse_secret_key(text);
    crypto::wipe(buf.data(), buf.size());
    if (!key) return err("key file " + path + ": " + key.error().message);

    KeyFile out{std::move(*key), {}};
    if (st.st_mode & 044)
        out.warning = "key file " + path + " is readable by group or others (mode " + mode_text(st.st_mode) +
                      "); consider: chmod 600 " + path;
    return out;
}

Result<KeyFile> read_or_create_key_file(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0 || errno != ENOENT) return read_key_file(path);
    KeyFile kf{crypto::SecretKey::generate(), "", true};
    if (auto s = write_key_file(path, kf.key); !s) return s.error();
    return kf;
}

}  // namespace wsn::files
