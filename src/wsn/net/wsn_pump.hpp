#pragma once
// The one way a received WebSocket message meets a wsn::Connection, for the server
// session and the client alike: the message goes in whole (and leaves the buffer), then
// each event it produced comes out, in order. The caller writes take_outgoing() after.
#include <cstdint>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>

#include "wsn/connection.hpp"

namespace wsn::net::detail {

template <class OnEvent>
void pump(wsn::Connection& conn, boost::beast::flat_buffer& buf, bool binary, OnEvent&& on_event) {
    auto data = buf.cdata();
    conn.receive({static_cast<const uint8_t*>(data.data()), data.size()}, binary);
    buf.consume(buf.size());
    while (auto ev = conn.next_event()) on_event(*ev);
}

// The close reason a protocol error calls for (close_frame() cuts it to fit).
inline std::string close_reason(const wsn::ProtocolError& e) { return "wsn: " + e.reason; }

}  // namespace wsn::net::detail
