#include "support/self_signed.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace wsn::test {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

Error openssl_error(std::string_view step) {
    char buf[256] = "unknown error";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return err("self-signed certificate: " + std::string(step) + " failed: " + buf);
}

bool is_ip_literal(const std::string& s) {
    unsigned char tmp[16];
    return inet_pton(AF_INET, s.c_str(), tmp) == 1 || inet_pton(AF_INET6, s.c_str(), tmp) == 1;
}

// "DNS:localhost,IP:127.0.0.1", as X509V3 configuration text.
std::string san_list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ',';
        out += (is_ip_literal(n) ? "IP:" : "DNS:") + n;
    }
    return out;
}

Status add_ext(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || !X509_add_ext(cert, ext.get(), -1)) return openssl_error("adding an X.509 extension");
    return Ok{};
}

// Creates the file with `mode` from the start, so a key is never readable by others,
// not even between creation and a chmod.
template <class WriteFn>
Status write_pem(const std::string& path, mode_t mode, WriteFn&& write) {
    ::unlink(path.c_str());
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) return err("cannot create " + path + ": " + std::strerror(errno));
    FILE* f = ::fdopen(fd, "w");
    if (!f) {
        ::close(fd);
        return err("cannot open " + path + ": " + std::strerror(errno));
    }
    bool ok = write(f);
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) return openssl_error("writing " + path);
    return Ok{};
}

}  // namespace

Status generate_self_signed_cert(const std::string& cert_file, const std::string& key_file,
                                 const std::vector<std::string>& names, int days) {
    PKey key(EVP_EC_gen("P-256"));
    if (!key) return openssl_error("generating an EC P-256 key");

    Cert cert(X509_new());
    if (!cert) return openssl_error("allocating a certificate");
    uint64_t serial = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1)
        return openssl_error("drawing a serial number");
    const std::string cn = names.empty() ? "wsn relay" : names.front();
    X509_NAME* subject = X509_get_subject_name(cert.get());
    if (!X509_set_version(cert.get(), 2) ||  // v3, for the extensions
        !ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial >> 1) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(days) * 86400) ||
        !X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) ||
        !X509_set_issuer_name(cert.get(), subject) || !X509_set_pubkey(cert.get(), key.get()))
        return openssl_error("filling in the certificate");
    if (auto s = add_ext(cert.get(), NID_basic_constraints, "critical,CA:TRUE"); !s) return s;
    if (!names.empty())
        if (auto s = add_ext(cert.get(), NID_subject_alt_name, san_list(names)); !s) return s;
    if (!X509_sign(cert.get(), key.get(), EVP_sha256())) return openssl_error("signing the certificate");

    if (auto s = write_pem(key_file, 0600, [&](FILE* f) {
            return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
        });
        !s)
        return s;
    return write_pem(cert_file, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
}

}  // namespace wsn::test
