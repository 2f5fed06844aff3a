// `wsn import FILE|-`: loads JSONL events into the relay's database, verifying each
// (unless --no-verify) on every core, writing in large batches. It takes what the relay
// would take: the same limits and event rules (relay/accept.hpp), from the relay's
// config file with --config, from its defaults without.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/store_flags.hpp"
#include "nostr/parser.hpp"
#include "relay/accept.hpp"
#include "relay/config.hpp"

namespace wsn::cli {

namespace {

struct ImportFlags {
    std::string file;
    StoreFlags store;
    std::string config_file;  // the relay's: its limits and event rules
    bool no_verify = false;
    size_t batch = 10000;
};

struct Counts {
    uint64_t stored = 0, duplicate = 0, invalid = 0, refused = 0, skipped = 0;
};

// Parses, (optionally) verifies and serializes lines[i] for i = first, first+step, ...
void check_lines(const std::vector<std::string>& lines, size_t first, size_t step, const nostr::Limits& limits,
                 bool verify, std::vector<std::optional<nostr::CompactEvent>>& out, std::vector<std::string>& errors) {
    nostr::Parser parser(limits);
    std::string scratch;
    for (size_t i = first; i < lines.size(); i += step) {
        auto e = parser.parse_event(lines[i]);
        if (!e) {
            errors[i] = e.error().message;
            continue;
        }
        if (verify)
            if (auto v = nostr::verify(*e, scratch); !v) {
                errors[i] = v.error().message;
                continue;
            }
        out[i].emplace(std::move(*e));
    }
}

// The input's size when it is a regular file (the share read gives the bar and the ETA).
std::optional<uint64_t> input_size(const std::string& file) {
    struct stat st {};
    int r = file == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(file.c_str(), &st);
    if (r != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return std::nullopt;
    return uint64_t(st.st_size);
}

int run(const ImportFlags& f) {
    relay::Config cfg;
    if (!f.config_file.empty())
        if (auto s = relay::load_config_file(f.config_file, cfg); !s) return fail(s.error().message);
    const nostr::Limits limits = relay::parser_limits(cfg);

    std::ifstream file;
    std::istream* in = &std::cin;
    if (f.file != "-") {
        file.open(f.file, std::ios::binary);
        if (!file) return fail("cannot open " + f.file);
        in = &file;
    }
    auto st = open_store(f.store);
    if (!st) return fail(st.error().message);
    store::Store& db = **st;
    auto moderation = relay::load_moderation(db);  // what the relay's management API set
    if (!moderation) return fail(moderation.error().message);

    Progress progress("lines");
    const std::optional<uint64_t> size = input_size(f.file);
    uint64_t bytes_read = 0;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    Counts n;
    uint64_t line_no = 0;
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> lines;
    std::string line;
    bool eof = false;
    while (!eof) {
        lines.clear();
        while (lines.size() < f.batch && std::getline(*in, line)) {
            bytes_read += line.size() + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines.push_back(std::move(line));
        }
        eof = lines.size() < f.batch;
        std::vector<std::optional<nostr::CompactEvent>> events(lines.size());
        std::vector<std::string> errors(lines.size());
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back(check_lines, std::cref(lines), t, threads, std::cref(limits), !f.no_verify,
                              std::ref(events), std::ref(errors));
        for (auto& t : pool) t.join();

        int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
        std::vector<store::WriteItem> items;
        for (size_t i = 0; i < lines.size(); ++i) {
            ++line_no;
            if (lines[i].find_first_not_of(" \t") == std::string::npos) continue;  // blank line
            if (!events[i]) {
                ++n.invalid;
                progress.clear();
                fmt::print(stderr, "line {}: {}\n", line_no, errors[i]);
                continue;
            }
            if (nostr::is_ephemeral(events[i]->event().kind)) {
                ++n.skipped;
                continue;
            }
            if (std::string why = relay::event_refusal(cfg, *moderation, events[i]->event(), now); !why.empty()) {
                ++n.refused;
                progress.clear();
                fmt::print(stderr, "line {}: {}\n", line_no, why);
                continue;
            }
            items.push_back(std::move(*events[i]));
        }
        if (!items.empty()) {
            auto res = db.write(items, now);
            if (!res) {
                progress.clear();
                return fail("write failed: " + res.error().message);
            }
            for (auto o : *res) {
                if (o == store::WriteOutcome::stored) ++n.stored;
                else if (o == store::WriteOutcome::duplicate) ++n.duplicate;
                else ++n.refused;
            }
        }
        progress.update(line_no, size ? std::optional(double(bytes_read) / double(*size)) : std::nullopt);
    }
    progress.clear();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print(stderr,
               "imported {} lines in {:.2f} s ({:.0f} lines/s): {} stored, {} duplicate, {} invalid, "
               "{} refused (by the relay's rules, replaced, deleted or expired), {} ephemeral skipped\n",
               line_no, s, line_no / std::max(s, 1e-9), n.stored, n.duplicate, n.invalid, n.refused, n.skipped);
    return n.invalid ? 1 : 0;
}

}  // namespace

void register_import(CLI::App& app, Dispatch& dispatch) {
    auto f = std::make_shared<ImportFlags>();
    auto* c = app.add_subcommand("import", "Import events (JSON lines) into the relay's database");
    c->add_option("file", f->file, "JSONL file, or - for stdin")->required();
    add_store_flags(*c, f->store);
    c->add_option("--config", f->config_file, "The relay's TOML configuration: its limits and event rules apply");
    c->add_flag("--no-verify", f->no_verify, "Skip id and signature checks (trusted input only)");
    c->add_option("--batch", f->batch, "Events per write transaction")->capture_default_str()->check(CLI::Range(1, 1000000));
    dispatch.on(c, [f] { return run(*f); });
}

}  // namespace wsn::cli
