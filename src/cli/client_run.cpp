#include "cli/client_run.hpp"

#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/core.h>

namespace wsn::cli {

namespace {
std::mutex output_mu;
}

void print_line(const std::string& line) {
    std::lock_guard lock(output_mu);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void tell(const std::string& uri, const std::string& message) {
    std::lock_guard lock(output_mu);
    std::fprintf(stderr, "wsn: %s: %s\n", uri.c_str(), message.c_str());
}

int for_each_relay(const std::vector<std::string>& uris, const net::ClientOptions& opts,
                   const std::function<Outcome(net::BlockingClient&, const std::string& uri)>& talk) {
    std::vector<int> result(uris.size(), 0);  // 0 ok, 1 refused, 2 unreachable
    std::vector<std::thread> threads;
    for (size_t i = 0; i < uris.size(); ++i) {
        threads.emplace_back([&, i] {
            auto c = net::BlockingClient::connect(uris[i], opts);
            if (!c) {
                tell(uris[i], c.error().message);
                result[i] = 2;
                return;
            }
            result[i] = talk(*c, uris[i]) == Outcome::ok ? 0 : 1;
        });
    }
    for (auto& t : threads) t.join();
    size_t unreachable = 0, refused = 0;
    for (int r : result) (r == 2 ? unreachable : refused) += r != 0;
    return exit_code(uris.size(), unreachable, refused);
}

namespace {
std::string ok_line(const std::string& uri, const nostr::RelayOk& ok) {
    std::string out = "{\"relay\":";
    nostr::append_json_string(out, uri);
    out += ",\"id\":\"" + nostr::id_hex(ok.event_id) + "\",\"accepted\":";
    out += ok.accepted ? "true" : "false";
    out += ",\"message\":";
    nostr::append_json_string(out, ok.message);
    out += '}';
    return out;
}
}  // namespace

Outcome publish(net::BlockingClient& c, const std::string& uri, const nostr::Event& event,
                std::chrono::milliseconds timeout) {
    if (auto s = c.send(nostr::to_json(nostr::ClientMessage{nostr::ClientEvent{event}})); !s) {
        tell(uri, s.error().message);
        return Outcome::refused;
    }
    Conversation conv(c, uri, timeout);
    while (auto m = conv.next()) {
        auto* ok = std::get_if<nostr::RelayOk>(&*m);
        if (!ok || ok->event_id != event.id) continue;
        print_line(ok_line(uri, *ok));
        if (!ok->accepted) tell(uri, "refused: " + ok->message);
        return ok->accepted ? Outcome::ok : Outcome::refused;
    }
    return Outcome::refused;
}

Conversation::Conversation(net::BlockingClient& c, std::string uri, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* stop)
    : c_(c), uri_(std::move(uri)), timeout_(timeout), deadline_(std::chrono::steady_clock::now() + timeout),
      stop_(stop) {}

std::optional<nostr::RelayMessage> Conversation::next() {
    using namespace std::chrono;
    // Short slices, so a stop request is seen promptly.
    constexpr milliseconds kSlice{200};
    for (;;) {
        if (stopped()) return std::nullopt;
        auto now = steady_clock::now();
        if (now >= deadline_) {
            tell(uri_, fmt::format("no answer within {:g} s", timeout_.count() / 1000.0));
            return std::nullopt;
        }
        auto left = duration_cast<milliseconds>(deadline_ - now);
        auto m = c_.receive(std::min(left + milliseconds(1), kSlice));
        if (!m) {
            tell(uri_, m.error().message);
            return std::nullopt;
        }
        if (!*m) continue;
        // The timeout is for each answer: a relay still sending stored events is alive.
        if (deadline_ != steady_clock::time_point::max()) deadline_ = steady_clock::now() + timeout_;
        auto msg = parser_.parse_relay_message(**m);
        if (!msg) {
            tell(uri_, "skipped a message: " + msg.error().message);
            continue;
        }
        if (auto* n = std::get_if<nostr::RelayNotice>(&*msg)) {
            tell(uri_, "NOTICE: " + n->message);
            continue;
        }
        return std::move(*msg);
    }
}

}  // namespace wsn::cli
