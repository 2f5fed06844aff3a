#include "nostr/nip98.hpp"

#include <openssl/evp.h>

#include "crypto/hash.hpp"
#include "util/hex.hpp"

namespace wsn::nostr {

namespace {

constexpr std::string_view kScheme = "Nostr ";

std::string base64(std::string_view s) {
    std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                            int(s.size()));
    out.resize(size_t(n));
    return out;
}

Result<std::string> unbase64(std::string_view s) {
    if (s.empty() || s.size() % 4 != 0) return err("the authorization is not base64");
    std::string out(s.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                            int(s.size()));
    if (n < 0) return err("the authorization is not base64");
    // EVP_DecodeBlock counts the padding as data: drop one byte per '='.
    size_t len = size_t(n);
    for (size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) --len;
    out.resize(len);
    return out;
}

}  // namespace

std::string make_http_auth(const crypto::SecretKey& key, std::string_view url, std::string_view method,
                           std::string_view body, int64_t now) {
    std::vector<Tag> tags{{"u", std::string(url)}, {"method", std::string(method)}};
    if (!body.empty()) tags.push_back({"payload", to_hex(crypto::sha256(body))});
    return std::string(kScheme) + base64(to_json(make_signed(key, now, kHttpAuthKind, std::move(tags), "")));
}

Result<Event> check_http_auth(Parser& parser, std::string_view header, std::string_view method, std::string_view body,
                             int64_t now) {
    if (header.empty()) return err("no Authorization header (NIP-98)");
    if (!header.starts_with(kScheme)) return err("the Authorization header is not \"Nostr <base64 event>\" (NIP-98)");
    auto json = unbase64(header.substr(kScheme.size()));
    if (!json) return json.error();
    auto ev = parser.parse_event(*json);
    if (!ev) return err("the authorization event is malformed: " + ev.error().message);
    if (auto v = verify(*ev); !v) return err("the authorization event does not verify: " + v.error().message);
    if (ev->kind != kHttpAuthKind) return err("the authorization event is of kind " + std::to_string(ev->kind) + ", not 27235");
    const int64_t skew = ev->created_at - now;
    if (skew > kHttpAuthWindow || skew < -kHttpAuthWindow)
        return err("the authorization event's created_at is " + std::to_string(skew < 0 ? -skew : skew) +
                   " s from the relay's clock (at most " + std::to_string(kHttpAuthWindow) + ")");
    auto m = first_tag_value(*ev, "method");
    if (!m || *m != method) return err("the authorization event's method tag is not " + std::string(method));
    auto p = first_tag_value(*ev, "payload");
    if (!p) return err("the authorization event has no payload tag (NIP-86 needs one)");
    if (*p != to_hex(crypto::sha256(body))) return err("the authorization event's payload tag is not the SHA-256 of the body");
    if (http_auth_url(*ev).empty()) return err("the authorization event has no u tag");
    return std::move(*ev);
}

std::string_view http_auth_url(const Event& ev) { return first_tag_value(ev, "u").value_or(""); }

}  // namespace wsn::nostr
