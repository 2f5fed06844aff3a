// BlockingClient: Client's coroutines driven on a private io_context, one call at a time.
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "wsn/net/client.hpp"

namespace wsn::net {

namespace asio = boost::asio;

struct BlockingClient::State {
    asio::io_context ioc;
    std::unique_ptr<Client> client;
    bool reading = false;                         // a read() is pending
    std::optional<Result<std::string>> received;  // its result, not yet handed out

    // Runs handlers until done() or the deadline; false on timeout.
    template <class Done>
    bool run_until(Done&& done, std::chrono::steady_clock::time_point deadline) {
        while (!done()) {
            if (ioc.stopped()) ioc.restart();
            if (std::chrono::steady_clock::now() >= deadline) return false;
            ioc.run_one_until(deadline);
        }
        return true;
    }
    // Runs a coroutine to completion (it bounds itself).
    template <class T>
    T run(asio::awaitable<T> a) {
        std::optional<T> out;
        spawn_into(std::move(a), out);
        run_until([&] { return out.has_value(); }, std::chrono::steady_clock::time_point::max());
        return std::move(*out);
    }
    // Starts a coroutine whose result lands in `out` (T need not be default-constructible).
    template <class T>
    void spawn_into(asio::awaitable<T> a, std::optional<T>& out) {
        asio::co_spawn(
            ioc,
            [](asio::awaitable<T> a, std::optional<T>& out) -> asio::awaitable<void> { out.emplace(co_await std::move(a)); }(
                std::move(a), out),
            [](std::exception_ptr e) {
                if (e) std::rethrow_exception(e);
            });
    }
};

BlockingClient::BlockingClient(std::unique_ptr<State> s) : s_(std::move(s)) {}
BlockingClient::BlockingClient(BlockingClient&&) noexcept = default;
BlockingClient& BlockingClient::operator=(BlockingClient&&) noexcept = default;
BlockingClient::~BlockingClient() {
    if (s_) close();
}

Result<BlockingClient> BlockingClient::connect(std::string_view url, ClientOptions opts) {
    auto s = std::make_unique<State>();
    auto c = s->run(Client::connect(s->ioc.get_executor(), url, std::move(opts)));
    if (!c) return c.error();
    s->client = std::move(*c);
    return BlockingClient(std::move(s));
}

Status BlockingClient::send(std::string text) { return s_->run(s_->client->write(std::move(text))); }

Result<std::optional<std::string>> BlockingClient::receive(std::chrono::milliseconds timeout) {
    auto& s = *s_;
    if (!s.reading && !s.received) {
        s.reading = true;
        s.spawn_into(s.client->read(), s.received);
    }
    if (!s.run_until([&] { return s.received.has_value(); }, std::chrono::steady_clock::now() + timeout))
        return std::optional<std::string>();
    s.reading = false;
    auto r = std::move(*s.received);
    s.received.reset();
    if (!r) return r.error();
    return std::optional<std::string>(std::move(*r));
}

void BlockingClient::close(uint16_t code, std::string reason) {
    if (!s_->client->close_info())
        s_->run([](Client& c, uint16_t code, std::string reason) -> asio::awaitable<bool> {
            co_await c.close(code, std::move(reason));
            co_return true;
        }(*s_->client, code, std::move(reason)));
    // A read still pending ends with the connection; let it finish before the context goes.
    s_->run_until([&] { return !s_->reading; }, std::chrono::steady_clock::now() + std::chrono::seconds(1));
}

const Address& BlockingClient::address() const { return s_->client->address(); }
const std::optional<CloseInfo>& BlockingClient::close_info() const { return s_->client->close_info(); }

}  // namespace wsn::net
