#pragma once
// Test and benchmark support: a self-signed certificate for a wsns/wss listener
// (an operator brings their own, docs/relay.md). The certificate is never the
// relay's identity (the Noise key is); it only lets TLS-only networks and
// TLS-terminating proxies carry the connection.
#include <string>
#include <vector>

#include "util/result.hpp"

namespace wsn::test {

// Writes a fresh EC P-256 key (mode 0600) and a self-signed X.509 certificate valid for
// `days`, with the subject alternative names given ("localhost", "127.0.0.1", "::1"
// and any DNS names or IP literals). Existing files are replaced. Fails with an Error
// naming the file or the OpenSSL step that failed.
[[nodiscard]] Status generate_self_signed_cert(const std::string& cert_file, const std::string& key_file,
                                               const std::vector<std::string>& names = {"localhost", "127.0.0.1",
                                                                                        "::1"},
                                               int days = 3650);

}  // namespace wsn::test
