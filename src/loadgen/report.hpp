#pragma once
// A workload's result: named fields in a fixed order, printed as an aligned summary
// for people or as one JSON line for scripts (the same names in both).
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace wsn::loadgen {

class Report {
public:
    using Counts = std::map<std::string, uint64_t>;
    using Value = std::variant<double, uint64_t, std::string, Counts>;

    explicit Report(std::string workload);
    Report& add(std::string name, double v) { return put(std::move(name), v); }
    Report& add(std::string name, uint64_t v) { return put(std::move(name), v); }
    Report& add(std::string name, std::string v) { return put(std::move(name), std::move(v)); }
    Report& add(std::string name, Counts v) { return put(std::move(name), std::move(v)); }

    const std::string& workload() const { return workload_; }
    // The value of a field; nullptr if absent (for tests and callers).
    const Value* get(const std::string& name) const;
    // {"workload":"publish","events_per_sec":1234.5,...}: one line, no newline.
    std::string json() const;
    // "wsn bench publish" then one "  name  value" line per field.
    std::string text() const;

private:
    Report& put(std::string name, Value v);
    std::string workload_;
    std::vector<std::pair<std::string, Value>> fields_;
};

}  // namespace wsn::loadgen
