#pragma once
// NIP-98 HTTP authorization: a signed kind-27235 event in the Authorization header,
// "Nostr <base64 of the event JSON>", naming the request's absolute URL ("u"), its method
// ("method") and, when there is a body, the SHA-256 of it ("payload"). Pure: the caller
// gives the clock.
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/keys.hpp"
#include "nostr/parser.hpp"
#include "util/result.hpp"

namespace wsn::nostr {

inline constexpr uint16_t kHttpAuthKind = 27235;
// How far created_at may be from the server's clock (NIP-98 suggests 60 s).
inline constexpr int64_t kHttpAuthWindow = 60;

// The Authorization header value for a request, with a payload tag for `body`.
std::string make_http_auth(const crypto::SecretKey& key, std::string_view url, std::string_view method,
                           std::string_view body, int64_t now);

// Checks an Authorization header for a request with `method` and `body`: signature, kind,
// created_at within kHttpAuthWindow of now, the method tag, and the payload tag (required:
// NIP-86 asks for it). Returns the event; the caller checks its u tag (http_auth_url) against
// the URLs it answers at. Errors say what was wrong ("created_at is 300 s from the relay's
// clock", "payload tag is not the SHA-256 of the body", ...).
Result<Event> check_http_auth(Parser& parser, std::string_view header, std::string_view method, std::string_view body,
                              int64_t now);

// The u tag of a checked event ("" if none).
std::string_view http_auth_url(const Event& ev);

}  // namespace wsn::nostr
