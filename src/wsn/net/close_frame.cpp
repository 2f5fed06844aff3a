#include "wsn/net/close_frame.hpp"

namespace wsn::net::detail {

boost::beast::websocket::close_reason close_frame(uint16_t code, std::string_view reason) {
    boost::beast::websocket::close_reason cr(code);
    reason = reason.substr(0, cr.reason.max_size());
    cr.reason.assign(reason.data(), reason.size());
    return cr;
}

}  // namespace wsn::net::detail
