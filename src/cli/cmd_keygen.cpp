// `wsn keygen FILE`: a new secret key in a new file (mode 0600); prints its npub.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "files/key_file.hpp"
#include "nostr/nip19.hpp"

namespace wsn::cli {

void register_keygen(CLI::App& app, Dispatch& dispatch) {
    auto file = std::make_shared<std::string>();
    auto* c = app.add_subcommand("keygen", "Create a new key file (mode 0600, never overwritten) and print its npub");
    c->add_option("file,-o,--out", *file, "Path of the key file to create")->required();
    dispatch.on(c, [file] {
        auto key = crypto::SecretKey::generate();
        if (auto s = files::write_key_file(*file, key); !s) return fail(s.error().message);
        fmt::print("{}\n", nostr::encode_npub(key.xonly_pubkey()));
        return 0;
    });
}

}  // namespace wsn::cli
