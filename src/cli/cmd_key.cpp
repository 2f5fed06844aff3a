// `wsn key show FILE`: the public key of a key file, as npub and hex. Never the secret.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "files/key_file.hpp"
#include "nostr/nip19.hpp"

namespace wsn::cli {

void register_key(CLI::App& app, Dispatch& dispatch) {
    auto* key = app.add_subcommand("key", "Inspect key files");
    key->require_subcommand(1);

    auto file = std::make_shared<std::string>();
    auto* show = key->add_subcommand("show", "Print the public key of a key file (npub and hex)");
    show->add_option("file", *file, "Key file: 64 hex characters or an nsec, on one line")->required();
    dispatch.on(show, [file] {
        auto k = files::read_key_file(*file);
        if (!k) return fail(k.error().message);
        if (!k->warning.empty()) warn(k->warning);
        auto pub = k->key.xonly_pubkey();
        fmt::print("npub: {}\nhex:  {}\n", nostr::encode_npub(pub), pub.hex());
        return 0;
    });
}

}  // namespace wsn::cli
