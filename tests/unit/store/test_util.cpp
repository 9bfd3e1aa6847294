// Implementation of the store test helpers.
#include "test_util.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace hearth::test {

temp_dir::temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/hearth-store-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
}

temp_dir::~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

void scribble(const std::filesystem::path& file, std::uint64_t offset, std::size_t count) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + file.string());
    f.seekp(static_cast<std::streamoff>(offset));
    for (std::size_t i = 0; i < count; ++i) f.put(static_cast<char>((i * 37 + 11) & 0xff));
}

}  // namespace hearth::test
