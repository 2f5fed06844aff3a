#include "support/vectors.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/hex.hpp"

namespace wsn::test {

std::string read_vector_file(const std::string& name) {
    std::string path = std::string(WSN_VECTORS_DIR) + "/" + name;
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open vector file " + path);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::unique_ptr<JsonFile> load_json(const std::string& name) {
    auto f = std::make_unique<JsonFile>();
    f->text = simdjson::padded_string(read_vector_file(name));
    f->root = f->parser.parse(f->text);
    return f;
}

std::vector<uint8_t> unhex(std::string_view hex) {
    auto v = wsn::from_hex(hex);
    if (!v) throw std::runtime_error("bad hex in vector: " + std::string(hex));
    return *v;
}

}  // namespace wsn::test
