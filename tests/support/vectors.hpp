#pragma once
// Reads the third-party vectors in ../shared/vectors as they are.
#include <string>
#include <vector>

#include <simdjson.h>

namespace wsn::test {

// Whole file contents of WSN_VECTORS_DIR/name; fails the test (throws) if missing.
std::string read_vector_file(const std::string& name);

// The vector file parsed as JSON (the returned document owns its buffer).
struct JsonFile {
    simdjson::padded_string text;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
};
std::unique_ptr<JsonFile> load_json(const std::string& name);

std::vector<uint8_t> unhex(std::string_view hex);

}  // namespace wsn::test
