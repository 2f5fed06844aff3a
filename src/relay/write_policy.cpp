#include "relay/write_policy.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <simdjson.h>

extern char** environ;

namespace wsn::relay {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kUnavailable = "error: write policy plugin unavailable";
constexpr std::string_view kTimedOut = "error: write policy plugin timed out";

// NIP-01 OK prefixes; a plugin message without one is given "blocked: ".
bool has_ok_prefix(std::string_view msg) {
    for (std::string_view p : {"blocked:", "invalid:", "restricted:", "rate-limited:", "auth-required:", "pow:",
                               "duplicate:", "error:", "mute:"})
        if (msg.starts_with(p)) return true;
    return false;
}

int ms_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : int(left);
}

// Strict reading of one answer line: an object with string "id" equal to the event's
// id, string "action" among the three, optional string "msg", and nothing else.
bool parse_answer(std::string_view line, const nostr::Event& e, PolicyVerdict& v, std::string& why) {
    thread_local simdjson::dom::parser parser;  // keeps its buffers between answers
    simdjson::dom::object obj;
    if (auto error = parser.parse(line).get(obj)) {
        why = "answer is not a JSON object (" + std::string(simdjson::error_message(error)) + ")";
        return false;
    }
    std::string_view id, action, msg;
    bool have_id = false, have_action = false;
    for (auto [key, value] : obj) {
        std::string_view* dst = key == "id" ? &id : key == "action" ? &action : key == "msg" ? &msg : nullptr;
        if (!dst) {
            why = "answer has an unknown key '" + std::string(key) + "'";
            return false;
        }
        if (value.get(*dst)) {
            why = "answer's '" + std::string(key) + "' is not a string";
            return false;
        }
        have_id |= key == "id";
        have_action |= key == "action";
    }
    if (!have_id || !have_action) {
        why = "answer lacks 'id' or 'action'";
        return false;
    }
    if (id != nostr::id_hex(e.id)) {
        why = "answer is for another event (id " + std::string(id.substr(0, 64)) + ")";
        return false;
    }
    v = {};
    if (action == "accept") {
        v.accept = true;
    } else if (action == "shadowReject") {
        v.shadow = true;
    } else if (action == "reject") {
        if (msg.empty()) v.message = "blocked: rejected by the write policy";
        else v.message = has_ok_prefix(msg) ? std::string(msg) : "blocked: " + std::string(msg);
    } else {
        why = "answer has an unknown action '" + std::string(action.substr(0, 32)) + "'";
        return false;
    }
    return true;
}

// {"type":"new","event":...,"receivedAt":...,"sourceType":...,"sourceInfo":...}\n
std::string request_line(const nostr::CompactEvent& e, const PolicySource& from, int64_t received_at) {
    std::string out = "{\"type\":\"new\",\"event\":";
    out += e.json();
    out += ",\"receivedAt\":" + std::to_string(received_at) + ",\"sourceType\":";
    nostr::append_json_string(out, from.type);
    out += ",\"sourceInfo\":";
    nostr::append_json_string(out, from.info);
    if (!from.client_pubkey.empty()) {
        out += ",\"clientPubkey\":";
        nostr::append_json_string(out, from.client_pubkey);
    }
    out += "}\n";
    return out;
}

}  // namespace

PolicySource policy_source(const net::SessionInfo& s, std::string_view ip) {
    PolicySource out;
    out.info = std::string(ip);
    const bool v6 = ip.find(':') != std::string_view::npos;
    if (s.scheme == Scheme::wsn || s.scheme == Scheme::wsns) {
        out.type = "wsn";
        if (s.client_key) out.client_pubkey = s.client_key->hex();
    } else {
        out.type = v6 ? "IP6" : "IP4";
    }
    return out;
}

WritePolicy::WritePolicy(std::string command, PolicyOptions opts)
    : command_(std::move(command)), opts_(opts), backoff_(opts.retry_after) {}

WritePolicy::~WritePolicy() { stop(true); }

int WritePolicy::pid() const {
    std::lock_guard lock(mu_);
    return pid_;
}

bool WritePolicy::spawn(std::string& why) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        why = std::string("socketpair: ") + std::strerror(errno);
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    // The child's stdin and stdout are one end of the socketpair (dup2 clears CLOEXEC).
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    // Nothing else of the relay's: a listening socket, a client's socket (whose EOF the
    // client would then wait for) or the database, whether or not it was opened
    // close-on-exec.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    // Its own process group, so a kill reaches what the shell started; default signal
    // handling and an empty mask, whatever the relay's threads use.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const char* argv[] = {"/bin/sh", "-c", command_.c_str(), nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        why = std::string("cannot start /bin/sh: ") + std::strerror(rc);
        return false;
    }
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    pid_ = pid;
    fd_ = sv[0];
    buffer_.clear();
    return true;
}

void WritePolicy::back_off() {
    retry_at_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, opts_.max_retry_after);
}

void WritePolicy::stop(bool gently) {
    if (fd_ >= 0) close(fd_);  // the plugin reads EOF
    fd_ = -1;
    if (pid_ < 0) return;
    if (gently) {
        for (int i = 0; i < 50; ++i) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);  // in case the group was not set up
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

bool WritePolicy::send_all(std::string_view data, Clock::time_point deadline, Outcome& o) {
    while (!data.empty()) {
        ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd_, POLLOUT, 0};
            int ms = ms_until(deadline);
            if (ms == 0 || poll(&p, 1, ms) == 0) {
                o = Outcome::timeout;
                return false;
            }
            continue;
        }
        o = Outcome::died;  // EPIPE, ECONNRESET: the plugin is gone
        return false;
    }
    return true;
}

bool WritePolicy::read_line(std::string& line, Clock::time_point deadline, Outcome& o) {
    size_t scanned = 0;
    for (;;) {
        if (size_t nl = buffer_.find('\n', scanned); nl != std::string::npos) {
            line.assign(buffer_, 0, nl);
            buffer_.erase(0, nl + 1);
            return true;
        }
        scanned = buffer_.size();
        if (buffer_.size() > opts_.max_answer_bytes) {
            o = Outcome::bad_answer;
            return false;
        }
        char buf[4096];
        ssize_t n = recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            buffer_.append(buf, size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd_, POLLIN, 0};
            int ms = ms_until(deadline);
            if (ms == 0 || poll(&p, 1, ms) == 0) {
                o = Outcome::timeout;
                return false;
            }
            continue;
        }
        o = Outcome::died;  // EOF or a reset
        return false;
    }
}

WritePolicy::Outcome WritePolicy::exchange(const std::string& request, const nostr::Event& e, PolicyVerdict& v,
                                           std::string& why) {
    auto deadline = Clock::now() + opts_.timeout;
    Outcome o = Outcome::ok;
    std::string line;
    if (!send_all(request, deadline, o) || !read_line(line, deadline, o)) {
        why = o == Outcome::timeout ? "no answer within the timeout"
              : o == Outcome::died  ? "the plugin exited"
                                    : "answer line too long";
        return o;
    }
    if (!parse_answer(line, e, v, why)) return Outcome::bad_answer;
    return Outcome::ok;
}

PolicyVerdict WritePolicy::check(const nostr::CompactEvent& e, const PolicySource& from, int64_t received_at) {
    std::string request = request_line(e, from, received_at);
    std::lock_guard lock(mu_);
    PolicyVerdict v;
    std::string why;
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (pid_ < 0) {
            if (failures_ >= 2 && Clock::now() < retry_at_) return {false, false, std::string(kUnavailable), ""};
            if (!spawn(why)) {
                failures_ = std::max(failures_, 2);
                back_off();
                return {false, false, std::string(kUnavailable), "write policy plugin: " + why};
            }
        }
        Outcome o = exchange(request, e.event(), v, why);
        if (o == Outcome::ok) {
            failures_ = 0;
            backoff_ = opts_.retry_after;
            return v;
        }
        stop(false);
        if (++failures_ >= 2) back_off();
        std::string log = "write policy plugin '" + command_ + "': " + why;
        if (o == Outcome::timeout) return {false, false, std::string(kTimedOut), log};
        if (o == Outcome::bad_answer || failures_ >= 2) return {false, false, std::string(kUnavailable), log};
        // It died: start it again and resend this event, once.
    }
    return {false, false, std::string(kUnavailable), "write policy plugin '" + command_ + "': " + why};
}

}  // namespace wsn::relay
