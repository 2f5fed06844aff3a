#pragma once
// The relay's public URLs, as NIP-42 AUTH events name them in their `relay` tag.
// Compared after normalizing what clients commonly vary: scheme and host case,
// a default port (ws 80, wss 443) and a trailing slash.
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace wsn::relay {

// "WSS://Relay.Example.com:443/" -> "wss://relay.example.com". Errors name what
// is missing (a scheme://host form is required).
Result<std::string> normalize_relay_url(std::string_view url);

// Whether `tag` names one of `urls` (each normalized or not). An empty list matches
// any tag: a relay that was not told its URL cannot check it.
bool relay_url_matches(const std::vector<std::string>& urls, std::string_view tag);

}  // namespace wsn::relay
