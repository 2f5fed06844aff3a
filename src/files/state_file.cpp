#include "files/state_file.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>

#include "files/fd.hpp"

namespace wsn::files {
namespace {

std::string sys_error(const std::string& what, const std::string& path) {
    return what + " " + path + ": " + std::strerror(errno);
}

// mkdir -p of the directories above `path`.
bool make_parents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
    return true;
}

std::string xdg_path(const char* var, const char* fallback, const std::string& name) {
    if (const char* x = std::getenv(var); x && *x) return std::string(x) + "/wsn/" + name;
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + fallback + "/wsn/" + name;
    return "";
}

}  // namespace

Result<std::optional<std::string>> read_state_file(const std::string& path, size_t max_bytes) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::optional<std::string>();
        return err(sys_error("cannot open", path));
    }
    std::string out;
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return err(sys_error("cannot read", path));
        if (n == 0) break;
        out.append(buf, size_t(n));
        if (out.size() > max_bytes) return err(path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    return std::optional<std::string>(std::move(out));
}

Status write_state_file(const std::string& path, const std::string& text) {
    if (!make_parents(path)) return err(sys_error("cannot create the directory of", path));
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) return err(sys_error("cannot create", tmp));
    bool ok = write_all(fd.get(), text) && ::fsync(fd.get()) == 0;
    ok = fd.close() && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        auto e = sys_error("cannot write", path);
        ::unlink(tmp.c_str());
        return err(e);
    }
    sync_parent_dir(path);
    return Ok{};
}

std::string default_state_path(const std::string& name) { return xdg_path("XDG_STATE_HOME", "/.local/state", name); }
std::string default_config_path(const std::string& name) { return xdg_path("XDG_CONFIG_HOME", "/.config", name); }

}  // namespace wsn::files
