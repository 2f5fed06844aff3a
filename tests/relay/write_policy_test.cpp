// The write-policy plugin against small Python plugins written to a temp folder:
// the request line, each action, timeouts, a plugin that dies (restarted once),
// one that keeps dying, strict answer parsing, and several threads at once.
#include <gtest/gtest.h>

#include <simdjson.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "relay/write_policy.hpp"

using namespace wsn;
using namespace wsn::relay;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Answers by the event's content: "accept", "reject:<msg>", "shadow", "sleep",
// "exit", "raw:<line>" (printed as is), "noanswer-exit" (reads, then exits).
// Every request line is appended to requests.jsonl beside it.
// Python start-up can take seconds on a loaded machine: the tests give it time.
const PolicyOptions kPatient{30000ms, 10000ms};

const char* kPlugin = R"(import json, sys, time, os
here = os.path.dirname(os.path.abspath(__file__))
for line in sys.stdin:
    with open(os.path.join(here, "requests.jsonl"), "a") as f:
        f.write(line)
    req = json.loads(line)
    ev = req["event"]
    c = ev["content"]
    out = {"id": ev["id"]}
    if c == "accept":
        out["action"] = "accept"
    elif c.startswith("reject:"):
        out["action"] = "reject"
        out["msg"] = c[len("reject:"):]
    elif c == "shadow":
        out["action"] = "shadowReject"
    elif c == "sleep":
        time.sleep(3)
        out["action"] = "accept"
    elif c == "exit":
        sys.exit(1)
    elif c.startswith("raw:"):
        print(c[len("raw:"):].replace("ID", ev["id"]), flush=True)
        continue
    elif c == "die-once":
        marker = os.path.join(here, "died")
        if not os.path.exists(marker):
            open(marker, "w").close()
            sys.exit(1)
        out["action"] = "accept"
    print(json.dumps(out), flush=True)
)";

class Plugin : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("wsn-policy-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        std::ofstream(dir_ / "plugin.py") << kPlugin;
        command_ = "python3 '" + (dir_ / "plugin.py").string() + "'";
    }
    void TearDown() override { fs::remove_all(dir_); }

    // A sh plugin that answers every request with `answer`, "ID" replaced by the
    // event id (which to_json puts first), after sleeping `delay` seconds.
    std::string sh_plugin(const std::string& answer, int delay = 0) {
        std::ofstream(dir_ / "plugin.sh") << R"(while IFS= read -r line; do
  id=${line#*\"id\":\"}; id=${id%%\"*}
  sleep $DELAY
  case "$ANSWER" in
    *ID*) printf '%s%s%s\n' "${ANSWER%%ID*}" "$id" "${ANSWER#*ID}" ;;
    *) printf '%s\n' "$ANSWER" ;;
  esac
done
)";
        return "DELAY=" + std::to_string(delay) + " ANSWER='" + answer + "' sh '" + (dir_ / "plugin.sh").string() + "'";
    }

    nostr::Event event(std::string content) {
        return nostr::make_signed(key_, 1700000000 + ++n_, 1, {{"t", "x"}}, std::move(content));
    }
    PolicyVerdict ask(WritePolicy& p, const std::string& content) {
        auto e = event(content);
        return p.check(nostr::CompactEvent(e), PolicySource{"IP4", "203.0.113.5", ""}, 1700000123);
    }
    std::vector<std::string> requests() {
        std::ifstream f(dir_ / "requests.jsonl");
        std::vector<std::string> out;
        for (std::string line; std::getline(f, line);) out.push_back(line);
        return out;
    }

    fs::path dir_;
    std::string command_;
    crypto::SecretKey key_ = crypto::SecretKey::generate();
    int n_ = 0;
};

bool pid_gone(int pid) { return pid > 0 && ::kill(pid, 0) != 0; }

}  // namespace

TEST_F(Plugin, ActionsAndMessages) {
    WritePolicy p(command_, kPatient);
    auto v = ask(p, "accept");
    EXPECT_TRUE(v.accept);
    EXPECT_FALSE(v.shadow);
    EXPECT_EQ(v.log, "");

    v = ask(p, "reject:blocked: not on the list");
    EXPECT_FALSE(v.accept);
    EXPECT_FALSE(v.shadow);
    EXPECT_EQ(v.message, "blocked: not on the list");

    v = ask(p, "reject:spam");  // no NIP-01 prefix: one is added
    EXPECT_EQ(v.message, "blocked: spam");
    v = ask(p, "reject:");
    EXPECT_EQ(v.message, "blocked: rejected by the write policy");

    v = ask(p, "shadow");
    EXPECT_FALSE(v.accept);
    EXPECT_TRUE(v.shadow);
    EXPECT_EQ(v.message, "");
}

TEST_F(Plugin, RequestLineHasTheDocumentedFields) {
    WritePolicy p(command_, kPatient);
    auto e = event("accept");
    nostr::CompactEvent compact(e);
    ASSERT_TRUE(p.check(compact, PolicySource{"wsn", "2001:db8::1", std::string(64, 'a')}, 1700000999).accept);
    auto lines = requests();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_NE(lines[0].find(",\"event\":" + compact.json() + ","), std::string::npos) << lines[0];
    simdjson::dom::parser parser;
    simdjson::dom::element r = parser.parse(lines[0]);
    EXPECT_EQ(std::string_view(r["type"]), "new");
    EXPECT_EQ(int64_t(r["receivedAt"]), 1700000999);
    EXPECT_EQ(std::string_view(r["sourceType"]), "wsn");
    EXPECT_EQ(std::string_view(r["sourceInfo"]), "2001:db8::1");
    EXPECT_EQ(std::string_view(r["clientPubkey"]), std::string(64, 'a'));
    EXPECT_EQ(std::string_view(r["event"]["id"]), nostr::id_hex(e.id));
    EXPECT_EQ(std::string_view(r["event"]["content"]), "accept");
    EXPECT_EQ(int64_t(r["event"]["kind"]), 1);
}

TEST_F(Plugin, SourceOfASession) {
    net::SessionInfo s;
    s.scheme = Scheme::ws;
    auto src = policy_source(s, "203.0.113.5");
    EXPECT_EQ(src.type, "IP4");
    EXPECT_EQ(src.info, "203.0.113.5");
    s.scheme = Scheme::wss;
    src = policy_source(s, "2001:db8::1");
    EXPECT_EQ(src.type, "IP6");
    EXPECT_EQ(src.info, "2001:db8::1");
    s.scheme = Scheme::wsn;
    crypto::XOnlyPubkey k;
    k.bytes.fill(0x11);
    s.client_key = k;
    src = policy_source(s, "2001:db8::1");
    EXPECT_EQ(src.type, "wsn");
    EXPECT_EQ(src.info, "2001:db8::1");
    EXPECT_EQ(src.client_pubkey, std::string(64, '1'));
}

TEST_F(Plugin, TimeoutKillsThePluginAndTwoInARowMakeItUnavailable) {
    WritePolicy p(sh_plugin(R"({"id":"ID","action":"accept"})", 5), PolicyOptions{300ms, 60000ms});
    auto t0 = std::chrono::steady_clock::now();
    auto v = ask(p, "accept");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
    EXPECT_FALSE(v.accept);
    EXPECT_EQ(v.message, "error: write policy plugin timed out");
    EXPECT_NE(v.log.find("timeout"), std::string::npos) << v.log;
    EXPECT_EQ(p.pid(), -1);  // killed, with what the shell started

    v = ask(p, "accept");  // a fresh process, which times out too
    EXPECT_EQ(v.message, "error: write policy plugin timed out");
    t0 = std::chrono::steady_clock::now();
    v = ask(p, "accept");  // two failures in a row: refused at once
    EXPECT_EQ(v.message, "error: write policy plugin unavailable");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);
}

TEST_F(Plugin, ShellPluginAccepts) {
    WritePolicy p(sh_plugin(R"({"id":"ID","action":"accept"})"), kPatient);
    EXPECT_TRUE(ask(p, "anything").accept);
    EXPECT_TRUE(ask(p, "again").accept);
}

TEST_F(Plugin, DyingOnceIsRestartedAndTheEventResent) {
    WritePolicy p(command_, kPatient);
    auto v = ask(p, "die-once");
    EXPECT_TRUE(v.accept) << v.message << " " << v.log;
    EXPECT_EQ(requests().size(), 2u);  // sent to the first process and to its replacement
    EXPECT_TRUE(ask(p, "accept").accept);
}

TEST_F(Plugin, DyingAgainMakesItUnavailableUntilRetryAfter) {
    WritePolicy p(command_, PolicyOptions{30000ms, 400ms});
    auto v = ask(p, "exit");
    EXPECT_FALSE(v.accept);
    EXPECT_EQ(v.message, "error: write policy plugin unavailable");
    EXPECT_NE(v.log.find("exited"), std::string::npos) << v.log;
    EXPECT_EQ(requests().size(), 2u);  // restarted once, then given up

    v = ask(p, "accept");  // within retry_after: refused without trying
    EXPECT_EQ(v.message, "error: write policy plugin unavailable");
    EXPECT_EQ(requests().size(), 2u);

    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(ask(p, "accept").accept);
}

TEST_F(Plugin, EachFailedRetryDoublesTheWait) {
    WritePolicy p(command_, PolicyOptions{30000ms, 300ms, 1000ms});
    EXPECT_EQ(ask(p, "exit").message, "error: write policy plugin unavailable");
    EXPECT_EQ(requests().size(), 2u);
    std::this_thread::sleep_for(350ms);
    EXPECT_EQ(ask(p, "exit").message, "error: write policy plugin unavailable");  // retried: fails again
    EXPECT_EQ(requests().size(), 3u);
    std::this_thread::sleep_for(350ms);  // the wait is 600 ms now
    EXPECT_EQ(ask(p, "accept").message, "error: write policy plugin unavailable");
    EXPECT_EQ(requests().size(), 3u);
    std::this_thread::sleep_for(400ms);
    EXPECT_TRUE(ask(p, "accept").accept);  // and an answer resets the wait
    EXPECT_EQ(ask(p, "exit").message, "error: write policy plugin unavailable");
    std::this_thread::sleep_for(350ms);
    EXPECT_TRUE(ask(p, "accept").accept);
}

TEST_F(Plugin, InheritsNoDescriptorButStdinStdoutStderr) {
    int leaked = ::open("/dev/null", O_RDONLY);  // not close-on-exec
    ASSERT_GE(leaked, 3);
    fs::path listing = dir_ / "fds.txt";
    // A child lists the shell's descriptors and writes them itself: a shell redirection
    // would show one of its own.
    std::string list = "python3 -c 'import os; open(\"" + listing.string() +
                       "\", \"w\").write(\" \".join(sorted(os.listdir(\"/proc/%d/fd\" % os.getppid()), key=int)))'; ";
    WritePolicy p(list + sh_plugin(R"({"id":"ID","action":"accept"})"), kPatient);
    EXPECT_TRUE(ask(p, "x").accept);
    std::ifstream f(listing);
    std::string fds, fd;
    while (f >> fd) fds += fd + " ";
    EXPECT_EQ(fds, "0 1 2 ") << "the shell that runs the plugin holds more than its stdio";
    ::close(leaked);
}

TEST_F(Plugin, MissingCommandIsUnavailable) {
    WritePolicy p((dir_ / "no-such-plugin").string(), PolicyOptions{30000ms, 60000ms});
    auto v = ask(p, "accept");
    EXPECT_FALSE(v.accept);
    EXPECT_EQ(v.message, "error: write policy plugin unavailable");
}

TEST_F(Plugin, BadAnswersAreRefusedStrictly) {
    const char* bad[] = {
        "not json",
        "[1,2]",
        R"({"id":"ID"})",
        R"({"id":"ID","action":"maybe"})",
        R"({"id":"ID","action":"accept","extra":1})",
        R"({"id":"ID","action":true})",
        R"({"id":"0000000000000000000000000000000000000000000000000000000000000000","action":"accept"})",
        R"({"id":"ID","action":"accept"} trailing)",
    };
    for (const char* b : bad) {
        WritePolicy p(sh_plugin(b), kPatient);
        int pid = -1;
        auto e = event("x");
        auto v = p.check(nostr::CompactEvent(e), PolicySource{"IP4", "1.2.3.4", ""}, 1);
        EXPECT_FALSE(v.accept) << b;
        EXPECT_FALSE(v.shadow) << b;
        EXPECT_EQ(v.message, "error: write policy plugin unavailable") << b;
        EXPECT_NE(v.log, "") << b;
        EXPECT_EQ(p.pid(), pid) << b;  // the plugin was stopped
    }
    WritePolicy p(sh_plugin(R"({"action":"reject","msg":"invalid: no","id":"ID"})"), kPatient);
    auto v = ask(p, "x");
    EXPECT_FALSE(v.accept);
    EXPECT_EQ(v.message, "invalid: no");
}

TEST_F(Plugin, ThreadsTakeTurns) {
    WritePolicy p(command_, kPatient);
    std::vector<std::thread> ts;
    std::atomic<int> accepted{0}, rejected{0};
    for (int t = 0; t < 4; ++t)
        ts.emplace_back([&, t] {
            auto k = crypto::SecretKey::generate();
            for (int i = 0; i < 25; ++i) {
                bool acc = (i + t) % 2 == 0;
                auto e = nostr::make_signed(k, 1700000000 + i, 1, {}, acc ? "accept" : "reject:blocked: odd");
                auto v = p.check(nostr::CompactEvent(e), PolicySource{"IP4", "127.0.0.1", ""}, 1);
                (v.accept == acc && (acc || v.message == "blocked: odd") ? accepted : rejected)++;
            }
        });
    for (auto& t : ts) t.join();
    EXPECT_EQ(accepted.load(), 100);
    EXPECT_EQ(rejected.load(), 0);
}

TEST_F(Plugin, DestructorEndsThePlugin) {
    int pid;
    {
        WritePolicy p(command_, kPatient);
        ASSERT_TRUE(ask(p, "accept").accept);
        pid = p.pid();
        ASSERT_GT(pid, 0);
    }
    EXPECT_TRUE(pid_gone(pid));
}
