#pragma once
// Small state files a program keeps between runs (the resolver's cache): read whole,
// replaced atomically (a temporary file in the same directory, synced, renamed over
// the old one), so a crash or a concurrent reader never sees half a file.
#include <cstddef>
#include <optional>
#include <string>

#include "util/result.hpp"

namespace wsn::files {

// The file's content; nullopt when it does not exist. Errors for one larger than
// max_bytes, or unreadable.
[[nodiscard]] Result<std::optional<std::string>> read_state_file(const std::string& path, size_t max_bytes);

// Replaces `path` with `text` (mode 0600), creating missing parent directories (0700).
[[nodiscard]] Status write_state_file(const std::string& path, const std::string& text);

// $XDG_STATE_HOME/wsn/<name>, else $HOME/.local/state/wsn/<name>; "" when neither is set.
std::string default_state_path(const std::string& name);
// $XDG_CONFIG_HOME/wsn/<name>, else $HOME/.config/wsn/<name>; "" when neither is set.
std::string default_config_path(const std::string& name);

}  // namespace wsn::files
