// Implementation of the store test helpers.
#include "test_util.hpp"

#include <fstream>
#include <stdexcept>

namespace hearth::test {

void scribble(const std::filesystem::path& file, std::uint64_t offset, std::size_t count) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + file.string());
    f.seekp(static_cast<std::streamoff>(offset));
    for (std::size_t i = 0; i < count; ++i) f.put(static_cast<char>((i * 37 + 11) & 0xff));
}

}  // namespace hearth::test
