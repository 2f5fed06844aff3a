#include "loadgen/report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "nostr/event.hpp"

namespace wsn::loadgen {

namespace {

std::string number(double v) {
    if (!std::isfinite(v)) return "0";
    return fmt::format("{:.3f}", v);
}

std::string json_value(const Report::Value& v) {
    std::string out;
    if (auto* d = std::get_if<double>(&v)) {
        out = number(*d);
    } else if (auto* u = std::get_if<uint64_t>(&v)) {
        out = std::to_string(*u);
    } else if (auto* s = std::get_if<std::string>(&v)) {
        nostr::append_json_string(out, *s);
    } else {
        out = "{";
        for (const auto& [k, n] : std::get<Report::Counts>(v)) {
            if (out.size() > 1) out += ',';
            nostr::append_json_string(out, k);
            out += ':' + std::to_string(n);
        }
        out += '}';
    }
    return out;
}

std::string text_value(const Report::Value& v) {
    if (auto* s = std::get_if<std::string>(&v)) return *s;
    if (auto* c = std::get_if<Report::Counts>(&v)) {
        if (c->empty()) return "none";
        std::string out;
        for (const auto& [k, n] : *c) out += (out.empty() ? "" : ", ") + k + " " + std::to_string(n);
        return out;
    }
    return json_value(v);
}

}  // namespace

Report::Report(std::string workload) : workload_(std::move(workload)) {}

Report& Report::put(std::string name, Value v) {
    fields_.emplace_back(std::move(name), std::move(v));
    return *this;
}

const Report::Value* Report::get(const std::string& name) const {
    for (const auto& [k, v] : fields_)
        if (k == name) return &v;
    return nullptr;
}

std::string Report::json() const {
    std::string out = "{\"workload\":";
    nostr::append_json_string(out, workload_);
    for (const auto& [k, v] : fields_) {
        out += ',';
        nostr::append_json_string(out, k);
        out += ':' + json_value(v);
    }
    return out + "}";
}

std::string Report::text() const {
    size_t width = 0;
    for (const auto& f : fields_) width = std::max(width, f.first.size());
    std::string out = "wsn bench " + workload_ + "\n";
    for (const auto& [k, v] : fields_) out += fmt::format("  {:<{}}  {}\n", k, width, text_value(v));
    return out;
}

}  // namespace wsn::loadgen
