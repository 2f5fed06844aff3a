// The corking layer: writes wait in it until a flush (or Beast's own async write) sends
// them, all at once and in order; a failed flush fails every later write; a WebSocket over
// it carries several messages per flush and closes cleanly (the teardown flushes first).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include "wsn/net/corking_stream.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Cork = wsn::net::CorkingStream<beast::tcp_stream>;

// A connected pair of loopback sockets on one io_context.
struct Pair {
    asio::io_context ioc;
    tcp::socket a{ioc}, b{ioc};
    Pair() {
        tcp::acceptor acc(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        a.connect(acc.local_endpoint());
        acc.accept(b);
    }
    // What b can read without blocking right now.
    std::string available() {
        std::string out(b.available(), '\0');
        if (!out.empty()) asio::read(b, asio::buffer(out));
        return out;
    }
    // Reads from b until n bytes came or a deadline passed.
    std::string read_n(size_t n) {
        std::string got;
        for (int i = 0; i < 400 && got.size() < n; ++i) {
            got += available();
            if (got.size() < n) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return got;
    }
};

void run_until(asio::io_context& ioc, const bool& done) {
    ioc.restart();  // a poll() with nothing to do left it stopped
    for (int i = 0; i < 10000 && !done; ++i) ioc.run_one_for(std::chrono::milliseconds(10));
    ioc.restart();
}

TEST(CorkingStream, WritesWaitForTheFlushThenGoOutTogetherInOrder) {
    Pair p;
    auto owner = std::make_shared<int>(0);
    Cork cork(std::move(p.a));
    cork.keep_alive_with(owner);
    beast::error_code ec;
    EXPECT_EQ(cork.write_some(asio::buffer(std::string_view("one,")), ec), 4u);
    EXPECT_FALSE(ec);
    cork.write_some(asio::buffer(std::string_view("two,")), ec);
    cork.write_some(asio::buffer(std::string_view("three")), ec);
    p.ioc.poll();
    EXPECT_EQ(p.available(), "");  // nothing reached the socket
    EXPECT_EQ(cork.unflushed(), 13u);

    bool done = false;
    beast::error_code flush_ec = asio::error::would_block;
    cork.async_flush([&](beast::error_code e) {
        flush_ec = e;
        done = true;
    });
    EXPECT_FALSE(done);  // never completes inline
    run_until(p.ioc, done);
    ASSERT_TRUE(done);
    EXPECT_FALSE(flush_ec);
    EXPECT_EQ(cork.unflushed(), 0u);
    EXPECT_EQ(p.read_n(13), "one,two,three");
}

TEST(CorkingStream, AnAsyncWriteIsFlushedOnItsOwnAndWhatCameMeanwhileFollowsIt) {
    Pair p;
    auto owner = std::make_shared<int>(0);
    Cork cork(std::move(p.a));
    cork.keep_alive_with(owner);
    bool done = false;
    cork.async_write_some(asio::buffer(std::string_view("pong")), [&](beast::error_code e, size_t n) {
        EXPECT_FALSE(e);
        EXPECT_EQ(n, 4u);
        done = true;
    });
    beast::error_code ec;
    cork.write_some(asio::buffer(std::string_view("+more")), ec);  // while the first flush is in flight
    bool flushed = false;
    cork.async_flush([&](beast::error_code e) {
        EXPECT_FALSE(e);
        flushed = true;
    });
    run_until(p.ioc, flushed);
    EXPECT_TRUE(done);
    EXPECT_EQ(cork.unflushed(), 0u);
    EXPECT_EQ(p.read_n(9), "pong+more");
}

TEST(CorkingStream, NothingIsFlushedWithoutALiveOwner) {
    Pair p;
    Cork cork(std::move(p.a));
    {
        auto owner = std::make_shared<int>(0);
        cork.keep_alive_with(owner);
    }
    bool done = false;
    cork.async_write_some(asio::buffer(std::string_view("late")), [&](beast::error_code, size_t) { done = true; });
    run_until(p.ioc, done);
    EXPECT_TRUE(done);
    p.ioc.poll();
    EXPECT_EQ(p.available(), "");
}

TEST(CorkingStream, AFailedFlushFailsTheWaiterAndEveryLaterWrite) {
    Pair p;
    auto owner = std::make_shared<int>(0);
    Cork cork(std::move(p.a));
    cork.keep_alive_with(owner);
    p.b.close();
    // The first write to a closed peer may still succeed (the reset comes back after it):
    // keep writing until a flush fails, boundedly.
    beast::error_code flush_ec;
    const std::string chunk(64 * 1024, 'x');
    for (int i = 0; i < 200 && !flush_ec; ++i) {
        beast::error_code ec;
        cork.write_some(asio::buffer(chunk), ec);
        if (ec) break;
        bool done = false;
        cork.async_flush([&](beast::error_code e) {
            flush_ec = e;
            done = true;
        });
        run_until(p.ioc, done);
    }
    ASSERT_TRUE(flush_ec);
    beast::error_code ec;
    EXPECT_EQ(cork.write_some(asio::buffer(chunk), ec), 0u);
    EXPECT_EQ(ec, flush_ec);
}

// A Beast WebSocket over the layer: several messages framed synchronously, one flush, a
// plain Beast peer reads them all; then the close handshake goes through the teardown.
TEST(CorkingStream, CarriesAWebSocketSessionAndItsCloseHandshake) {
    asio::io_context ioc;
    tcp::acceptor acc(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    beast::websocket::stream<Cork> server{tcp::socket{ioc}};
    auto owner = std::make_shared<int>(0);
    server.next_layer().keep_alive_with(owner);
    beast::websocket::stream<beast::tcp_stream> client(ioc);

    bool accepted = false, connected = false;
    acc.async_accept(beast::get_lowest_layer(server).socket(), [&](beast::error_code e) {
        ASSERT_FALSE(e);
        server.async_accept([&](beast::error_code e2) {
            EXPECT_FALSE(e2);
            accepted = true;
        });
    });
    beast::get_lowest_layer(client).async_connect(acc.local_endpoint(), [&](beast::error_code e) {
        ASSERT_FALSE(e);
        client.async_handshake("127.0.0.1", "/", [&](beast::error_code e2) {
            EXPECT_FALSE(e2);
            connected = true;
        });
    });
    bool both = false;
    for (int i = 0; i < 1000 && !both; ++i) {
        ioc.run_one_for(std::chrono::milliseconds(10));
        both = accepted && connected;
    }
    ioc.restart();
    ASSERT_TRUE(both);

    beast::error_code ec;
    for (std::string_view m : {"first", "second", "third"}) server.write(asio::buffer(m), ec);
    ASSERT_FALSE(ec);
    bool flushed = false;
    server.next_layer().async_flush([&](beast::error_code e) {
        EXPECT_FALSE(e);
        flushed = true;
    });
    run_until(ioc, flushed);

    std::vector<std::string> got;
    beast::flat_buffer buf;
    std::function<void()> read_one = [&] {
        client.async_read(buf, [&](beast::error_code e, size_t) {
            if (e) return;
            got.push_back(beast::buffers_to_string(buf.data()));
            buf.consume(buf.size());
            if (got.size() < 3) read_one();
        });
    };
    read_one();
    bool three = false;
    for (int i = 0; i < 1000 && !three; ++i) {
        ioc.run_one_for(std::chrono::milliseconds(10));
        three = got.size() == 3;
    }
    ioc.restart();
    EXPECT_EQ(got, (std::vector<std::string>{"first", "second", "third"}));

    // The server closes; the client reads the close frame and answers; the server's
    // close completes only after its teardown.
    bool server_closed = false, client_saw_close = false;
    server.async_close(beast::websocket::close_reason(beast::websocket::close_code::normal, "bye"), [&](beast::error_code e) {
        EXPECT_FALSE(e);
        server_closed = true;
    });
    client.async_read(buf, [&](beast::error_code e, size_t) {
        EXPECT_EQ(e, beast::websocket::error::closed);
        EXPECT_EQ(client.reason().code, 1000);
        client_saw_close = true;
    });
    for (int i = 0; i < 1000 && !(server_closed && client_saw_close); ++i) ioc.run_one_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(server_closed);
    EXPECT_TRUE(client_saw_close);
}

}  // namespace
