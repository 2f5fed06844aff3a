#pragma once
// Key files: one line holding a secret key as 64 hex characters (written
// lowercase; an nsec1... line is accepted on read, nostr::parse_secret_key).
// Created with mode 0600. This layer (src/files/) is the file I/O the pure
// layers below it leave out.
//
// Permissions on read, like ssh's but a little softer: a key file that group or
// others may write is refused (someone could swap the identity); one they may
// read is accepted with a warning for the caller to print (containers often
// mount secrets 0644 / 0444).
#include <string>

#include "crypto/keys.hpp"
#include "util/result.hpp"

namespace wsn::files {

// Creates `path` with mode 0600 and writes the key. Never overwrites: fails with
// "... already exists" if the path exists (O_CREAT|O_EXCL, no symlink followed).
// On any failure nothing is left behind. Errors never contain the secret.
[[nodiscard]] Status write_key_file(const std::string& path, const crypto::SecretKey& key);

struct KeyFile {
    crypto::SecretKey key;
    std::string warning;  // empty, or why the file's permissions are too open
    bool created = false; // read_or_create_key_file made a new key
};

// Reads a key file. Fails naming the fault (missing file, not a regular file,
// writable by others, too large, not one line, not a valid key); the error
// never contains the file's content.
[[nodiscard]] Result<KeyFile> read_key_file(const std::string& path);

// A service's own key (relay, gateway): read from `path`, or, when there is no file
// yet, a new random key written there (as write_key_file does) and returned.
[[nodiscard]] Result<KeyFile> read_or_create_key_file(const std::string& path);

}  // namespace wsn::nostr
