#pragma once
// Internal: the TCP part of reaching a relay, shared by the WebSocket client and the
// NIP-11 fetch: resolve and connect, directly or through a SOCKS5 proxy, within a
// deadline, with errors that name the target as the user wrote it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "util/result.hpp"
#include "wsn/address.hpp"

namespace wsn::net::detail {

// Closes the socket when a phase takes too long; `fired` tells the phase's error apart.
// The action never runs once the Deadline is gone (it refers to the phase's objects).
class Deadline {
public:
    Deadline(boost::asio::any_io_executor ex, std::chrono::milliseconds d, std::function<void()> on_fire);
    ~Deadline();
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;
    bool fired() const { return state_->fired; }

private:
    struct State {
        bool armed = true, fired = false;
    };
    boost::asio::steady_timer timer_;
    std::shared_ptr<State> state_;
};

// Connects `sock` to host:port, or through the SOCKS5 proxy "HOST:PORT" (empty: direct;
// the proxy then resolves the name). Each of the two legs has `timeout`.
boost::asio::awaitable<Status> dial(boost::asio::ip::tcp::socket& sock, const Host& host, uint16_t port,
                                    const std::string& socks5_proxy, std::chrono::milliseconds timeout);

}  // namespace wsn::net::detail
