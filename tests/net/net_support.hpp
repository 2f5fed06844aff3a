#pragma once
// Test-side tools for the transport tests: a server on a thread, a recording (and
// tampering) TCP proxy, a raw WebSocket peer that sends whatever it is told, child
// processes (nginx, microsocks), and waiting for conditions instead of sleeping.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wsn/net/server.hpp"

namespace wsn::test {

using namespace std::chrono_literals;

// Polls cond until true or the timeout; returns its last value.
bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 20s);

bool ipv6_loopback_available();
// A TCP port free on 127.0.0.1 at the time of the call.
uint16_t free_port();
// A fresh temporary directory (removed by the caller's TempDir).
struct TempDir {
    TempDir();
    ~TempDir();
    std::string path;
};

// A relay stand-in: records what sessions open, say and close; echoes "ECHO:<text>" if asked.
class TestServer {
public:
    struct Event {
        uint64_t session;
        std::string text;
    };
    explicit TestServer(net::ServerOptions opts, bool echo = true);
    ~TestServer();

    net::Server& server() { return *server_; }
    uint16_t port(size_t listener = 0) const { return bound_.at(listener).port; }

    std::vector<net::SessionInfo> opened();
    std::vector<Event> messages();
    std::vector<uint64_t> closed();

private:
    std::mutex mu_;
    std::vector<net::SessionInfo> opened_;
    std::vector<Event> messages_;
    std::vector<uint64_t> closed_;
    std::unique_ptr<net::Server> server_;
    std::vector<net::ListenAddress> bound_;
    std::thread thread_;
};

// Options for a test server on 127.0.0.1 (and TLS if cert/key are given).
net::ServerOptions local_options(const crypto::SecretKey& key, std::string host = "127.0.0.1");

// A self-signed certificate for 127.0.0.1, ::1 and localhost, made once per process.
struct TestCert {
    std::string cert, key;
};
const TestCert& test_cert();

// A TCP proxy on 127.0.0.1 forwarding every connection to target; it records the
// bytes of each direction and lets a hook rewrite client->server data.
class RecordingProxy {
public:
    // Called per chunk and direction (upstream = client->server) with that direction's
    // bytes so far and the new chunk, which it may edit.
    using Tamper = std::function<void(bool upstream, const std::string& so_far, std::string& chunk)>;
    RecordingProxy(std::string target_host, uint16_t target_port, Tamper tamper = {});
    ~RecordingProxy();
    uint16_t port() const { return port_; }
    // Bytes each direction, all connections concatenated.
    std::string client_to_server();
    std::string server_to_client();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
    uint16_t port_ = 0;
};

// WebSocket frames in a raw client->server byte stream after the HTTP upgrade, unmasked.
// (Test-only reading of frame headers, to find where a message lies.)
struct RawFrame {
    uint8_t opcode;
    size_t payload_offset;  // in the stream
    size_t payload_size;
    std::string payload;    // unmasked
};
std::vector<RawFrame> parse_client_frames(const std::string& stream);

// A blocking WebSocket client that sends any frames (for protocol-violation tests).
class RawWs {
public:
    // Upgrades on 127.0.0.1:port (or the host given), offering wsn.v1 if asked.
    RawWs(uint16_t port, bool offer_wsn, std::string host = "127.0.0.1");
    ~RawWs();
    std::string selected_protocol() const;
    void send_binary(const std::string& bytes);
    void send_text(const std::string& text);
    // The next message (binary or text), or nullopt once the connection ended; then
    // close_code()/close_reason() tell what the server said.
    std::optional<std::string> receive(std::chrono::milliseconds timeout = 20s);
    uint16_t close_code() const;
    std::string close_reason() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// A child process, killed (SIGTERM, then SIGKILL) and reaped on destruction.
class Child {
public:
    explicit Child(std::vector<std::string> argv);
    ~Child();
    int pid() const { return pid_; }
    bool running();

private:
    int pid_ = -1;
};

// Waits until a TCP port accepts connections on host.
bool wait_port(const std::string& host, uint16_t port, std::chrono::milliseconds timeout = 20s);

// A plain HTTP/1.1 GET on 127.0.0.1:port; the whole response as text.
std::string http_get(uint16_t port, const std::string& target, const std::string& accept);

// VmRSS of a process (self if pid 0) in KiB.
long rss_kib(int pid = 0);

}  // namespace wsn::test
