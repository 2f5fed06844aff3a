#include "relay/qr_svg.hpp"

#include <memory>

#include <qrencode.h>

#include "relay/html.hpp"

namespace wsn::relay {

Result<std::string> qr_svg(std::string_view text, std::string_view label) {
    const std::string z(text);  // libqrencode wants a C string
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString8bit(z.c_str(), 0, QR_ECLEVEL_M),
                                                       &QRcode_free);
    if (!qr) return err("cannot make a QR code of " + std::to_string(text.size()) + " bytes");
    const int n = qr->width, quiet = 4, side = n + 2 * quiet;
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(side) + ' ' +
                      std::to_string(side) + "\" role=\"img\" aria-label=\"" + html_escape(label) +
                      "\" shape-rendering=\"crispEdges\"><rect width=\"" + std::to_string(side) + "\" height=\"" +
                      std::to_string(side) + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    // One rectangle per horizontal run of dark modules (bit 0 of each byte is "dark").
    for (int y = 0; y < n; ++y) {
        for (int x = 0; x < n;) {
            if (!(qr->data[y * n + x] & 1)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < n && (qr->data[y * n + x + run] & 1)) ++run;
            out += 'M' + std::to_string(x + quiet) + ' ' + std::to_string(y + quiet) + 'h' + std::to_string(run) +
                   "v1h-" + std::to_string(run) + 'z';
            x += run;
        }
    }
    out += "\"/></svg>";
    return out;
}

}  // namespace wsn::relay
