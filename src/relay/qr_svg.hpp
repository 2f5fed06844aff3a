#pragma once
// A QR code as an inline SVG, made on the server (libqrencode), so the landing page
// needs no script and no outside resource to show it.
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace wsn::relay {

// The QR code of `text` (byte mode, error correction M) as an <svg> element, one unit per
// module with the 4-module quiet zone the standard asks for; `label` is its accessible name.
// Fails only for text too long for a QR code (about 2,300 bytes at level M).
Result<std::string> qr_svg(std::string_view text, std::string_view label);

}  // namespace wsn::relay
